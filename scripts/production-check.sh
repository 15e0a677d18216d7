#!/usr/bin/env bash
# Follows README.md "Production" step by step, literally, against a real PostgreSQL server (by
# default the machine's, postgres://postgres@127.0.0.1:5432/postgres), in a database of its own
# that it drops at the end: provision, migrate, configure, create the first admin, start, sign
# in. `.ci/run` runs it when such a server answers. If a step in the README changes, change it
# here too (the numbered comments are the README's steps).
#
# Caution: like `npm test` with TEST_DATABASE_URL, it creates the council_* roles on that server
# or resets their passwords: never point it at a server that hosts a real installation.
set -euo pipefail
cd "$(dirname "$0")/.."
ADMIN_URL="${PRODUCTION_CHECK_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
DATABASE="council_check_$$"
WORK="$(mktemp -d)"
SERVER_PID=""
say() { printf '[production-check] %s\n' "$*"; }
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true
  fi
  ADMIN_URL="$ADMIN_URL" DATABASE="$DATABASE" node -e "
    const { Client } = require('pg');
    const c = new Client({ connectionString: process.env.ADMIN_URL });
    c.connect().then(() => c.query('DROP DATABASE IF EXISTS \"' + process.env.DATABASE + '\" WITH (FORCE)'))
      .catch((e) => console.error('could not drop', process.env.DATABASE, e.message)).finally(() => c.end());" || true
  rm -rf "$WORK"
}
trap cleanup EXIT

say "building (npm run build)"
npm run -s build

# 1. Provision the roles and the database; keep the three URLs it prints.
say "1. provision"
npm run -s cli -- db:provision --admin-url "$ADMIN_URL" --database "$DATABASE" > "$WORK/council.env"
set -a; . "$WORK/council.env"; set +a
for v in MIGRATION_DATABASE_URL DATABASE_URL PLATFORM_DATABASE_URL; do
  [ -n "${!v:-}" ] || { say "db:provision did not print $v"; exit 1; }
done

# 2. The server's secrets.
say "2. secrets"
export JWT_SECRET="$(openssl rand -base64 48)"
export MFA_ENCRYPTION_KEY="$(openssl rand -hex 32)"
export DATA_KEK="$(openssl rand -base64 32)"
export AUDIT_SIGNING_KEY="$(openssl genpkey -algorithm ed25519 | base64 -w0)"

# 3. Migrate, as the owner role.
say "3. migrate"
npm run -s migration:run

# 4. The first system admin (the password is printed once).
say "4. create-admin"
npm run -s cli -- create-admin --email ops@city.example.jp > "$WORK/admin.txt"
ADMIN_PASSWORD="$(sed -n 's/.*password (shown once): \(\S*\).*/\1/p' "$WORK/admin.txt")"
[ -n "$ADMIN_PASSWORD" ] || { say "create-admin printed no password:"; cat "$WORK/admin.txt"; exit 1; }

# 5. Start the server (here on a free port, in the background) and wait until it is ready.
say "5. start"
export PORT="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
export HOST=127.0.0.1 LOG_LEVEL=warn SHUTDOWN_DRAIN_MS=0
node --max-old-space-size=512 dist/src/main.js > "$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$PORT/api/health/ready" >/dev/null 2>&1; then break; fi
  kill -0 "$SERVER_PID" 2>/dev/null || { say "the server exited:"; cat "$WORK/server.log"; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$PORT/api/health/ready" >/dev/null || { say "not ready:"; cat "$WORK/server.log"; exit 1; }
grep -q 'embedded PostgreSQL' "$WORK/server.log" && { say "the server fell back to the embedded database"; exit 1; }

# 6. Sign in as that admin.
say "6. sign in"
STATUS="$(curl -s -o "$WORK/login.json" -w '%{http_code}' "http://127.0.0.1:$PORT/api/auth/login" \
  -H 'content-type: application/json' \
  -d "{\"email\":\"ops@city.example.jp\",\"password\":\"$ADMIN_PASSWORD\"}")"
[ "$STATUS" = 200 ] || { say "login answered $STATUS: $(cat "$WORK/login.json")"; exit 1; }
grep -q '"accessToken"' "$WORK/login.json" || { say "no token in the login answer"; exit 1; }
STATUS="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/docs")"
[ "$STATUS" = 200 ] || { say "Swagger UI answered $STATUS"; exit 1; }

kill -TERM "$SERVER_PID"; wait "$SERVER_PID"; SERVER_PID=""
say "all steps passed"
