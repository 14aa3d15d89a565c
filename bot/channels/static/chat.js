// The web chat page. A file, not inline: the Content-Security-Policy allows no inline scripts.
const log = document.getElementById('log');
let uid = localStorage.getItem('shouhu_uid');
if (!uid) { uid = 'web-' + crypto.randomUUID(); localStorage.setItem('shouhu_uid', uid); }
function add(text, who, buttons) {
  const d = document.createElement('div'); d.className = 'msg ' + who; d.textContent = text;
  if (buttons && buttons.length) {
    const b = document.createElement('div'); b.className = 'btns';
    buttons.forEach(t => { const x = document.createElement('button'); x.type = 'button'; x.textContent = t; x.addEventListener('click', () => send(t)); b.appendChild(x); });
    d.appendChild(b);
  }
  log.appendChild(d); log.scrollTop = log.scrollHeight;
}
function newId() {
  return (crypto.randomUUID ? crypto.randomUUID() : Date.now().toString(36) + Math.random().toString(36).slice(2));
}
const wait = ms => new Promise(ok => setTimeout(ok, ms));
// Every message carries its own id; a lost reply is asked for again with the SAME id, so
// the server answers from what it stored and never acts on one message twice.
async function send(text) {
  add(text, 'me');
  const body = JSON.stringify({user_id: uid, text, msg_id: 'web-' + newId()});
  for (let attempt = 0; attempt < 5; attempt++) {
    if (attempt) await wait(1000 * 2 ** (attempt - 1));
    try {
      const r = await fetch('/api/chat', {method: 'POST', headers: {'Content-Type': 'application/json'}, body});
      const j = await r.json();
      if (r.status >= 500 || j.retry) { if (attempt < 4) continue; }
      (j.replies || []).forEach(x => add(x.text, 'bot', x.buttons));
      return;
    } catch (e) { /* no answer: try again with the same id */ }
  }
  add('网络好像断了，您的消息可能没有送到，请稍后再发一次。紧急情况请拨打110。', 'bot');
}
document.getElementById('f').addEventListener('submit', e => { e.preventDefault(); const t = document.getElementById('t'); if (t.value.trim()) { send(t.value.trim()); t.value = ''; } });
send('你好');
