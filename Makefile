# Shouhu: `make run` serves the demo; `make test` runs the whole suite on SQLite, then on
# PostgreSQL + Redis (the production profile's engines).
PYTHON ?= python3.11
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
PGDIR  ?= /tmp/shouhu-pg-$(shell id -u)-$$PPID

.PHONY: run test venv dev-deps system-deps test-sqlite test-postgres lint bench clean

$(VENV)/.installed: pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "need $(PYTHON)"; exit 1; }
	[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[postgres]'
	touch $@

$(VENV)/.dev-installed: $(VENV)/.installed
	$(PIP) install -q -e '.[dev,postgres]'
	touch $@

venv: $(VENV)/.installed

run: venv
	$(VENV)/bin/shouhu demo

# Debian packages the tests use: PostgreSQL and Redis (started as throwaway servers), Chromium,
# and a Chinese font so that the browser tests' screenshots show text rather than empty boxes.
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	fc-list :lang=zh 2>/dev/null | grep -q . || missing="$$missing fonts-wqy-microhei"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

test: $(VENV)/.dev-installed system-deps
	@echo "=== test suite on SQLite ==="
	$(VENV)/bin/pytest
	@echo "=== test suite on PostgreSQL + Redis ==="
	@set -e; dir=$$(mktemp -d /tmp/shouhu-pg.XXXXXX); \
	trap "scripts/redis.sh stop $$dir/redis; scripts/pg.sh stop $$dir/cluster; rm -rf $$dir" EXIT; \
	url=$$(scripts/pg.sh start $$dir/cluster); \
	redis_url=$$(scripts/redis.sh start $$dir/redis); \
	SHOUHU_TEST_DATABASE_URL=$$url SHOUHU_TEST_REDIS_URL=$$redis_url $(VENV)/bin/pytest -m "not browser"

lint: $(VENV)/.dev-installed
	$(VENV)/bin/ruff check bot nlu handlers core policy admin tests bench

clean:
	rm -rf $(VENV) instance .pytest_cache
