// Live acceptance deadlines on the case inbox: "剩余 N 分钟" counting down, then
// "超时 N 分钟" in red. A static file: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach(function (el) {
      var left = Date.parse(el.getAttribute("data-deadline")) - now;
      if (isNaN(left)) { return; }
      var minutes = Math.floor(Math.abs(left) / 60000);
      var late = left < 0;
      if (late) {
        el.textContent = "超时 " + minutes + " 分钟";
      } else if (minutes < 60) {
        var seconds = Math.floor((left % 60000) / 1000);
        el.textContent = "剩余 " + minutes + " 分 " + (seconds < 10 ? "0" : "") + seconds + " 秒";
      } else {
        el.textContent = "剩余 " + Math.floor(minutes / 60) + " 小时 " + (minutes % 60) + " 分钟";
      }
      el.classList.toggle("late", late);
      var row = el.closest("tr");
      if (row) { row.classList.toggle("overdue", late); }
    });
  }
  tick();
  window.setInterval(tick, 1000);
}());
