import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { COMPOSE_SCALE_PATH } from '../../generator/src/render/infra/compose/compose-scale';
import { REPO_ROOT } from '../support/repository';

/*
 * The two scripts docker-compose.scale.yml gives PostgreSQL (the primary's init script that creates
 * the replication login, and the replica's first-start pg_basebackup -R), run as written with the
 * machine's PostgreSQL 15 binaries, the version of the compose file's postgres:15 image. The harness
 * plays the image's entrypoint: initdb, the pg_hba rule it adds for other containers, the init
 * script sourced against a socket-only server, then the server with the compose file's settings.
 * It runs in network and mount namespaces of its own (`unshare --net --mount`): a private loopback
 * where the primary has the compose port 5432, /etc/hosts naming `postgres-primary`, and a private
 * /var/run/postgresql, so the machine's PostgreSQL is never touched.
 */

const BIN = '/usr/lib/postgresql/15/bin';
const inCi = Boolean(process.env.CI) && process.env.CI !== 'false';
const missing = !existsSync(join(BIN, 'postgres'))
  ? `no PostgreSQL 15 at ${BIN} (apt-get install postgresql-15)`
  : process.getuid?.() !== 0
    ? 'needs root for its network and mount namespaces'
    : undefined;
const options = missing && !inCi ? { skip: missing } : {};

const HARNESS = `
set -euo pipefail
dir="$1"; init="$2"; replica_script="$3"; primary_args="$4"; wait_seconds="$5"
ip link set lo up
mount --bind "$dir/hosts" /etc/hosts
mount -t tmpfs tmpfs /var/run/postgresql
chown postgres:postgres /var/run/postgresql
export PATH="${BIN}:$PATH"
as_pg() { runuser -u postgres -- env PATH="$PATH" "$@"; }
replica_group=""
cleanup() {
  as_pg pg_ctl -D "$dir/replica" -m immediate stop >/dev/null 2>&1 || true
  # The replica's script, still retrying pg_basebackup when the primary refuses it.
  if [ -n "$replica_group" ]; then kill -KILL -- "-$replica_group" 2>/dev/null || true; fi
  as_pg pg_ctl -D "$dir/primary" -m immediate stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
as_pg initdb -D "$dir/primary" --username=app --pwfile="$dir/password" >/dev/null
printf 'local all all trust\\nhost all all all scram-sha-256\\n' > "$dir/primary/pg_hba.conf"
as_pg pg_ctl -D "$dir/primary" -w -l "$dir/primary.log" -o "-c listen_addresses=''" start >/dev/null
as_pg psql -q -U app -d postgres -c 'CREATE DATABASE app'
as_pg env PGDATA="$dir/primary" POSTGRES_USER=app POSTGRES_DB=app REPLICATION_PASSWORD="$REPLICATION_PASSWORD" bash -c '. "$0"' "$init"
as_pg pg_ctl -D "$dir/primary" -w -m fast stop >/dev/null
as_pg pg_ctl -D "$dir/primary" -w -l "$dir/primary.log" -o "$primary_args -c listen_addresses=127.0.0.1" start >/dev/null
export PGPASSWORD="$POSTGRES_PASSWORD"
psql -q -h 127.0.0.1 -U app -d app -c 'CREATE TABLE probe (x int); INSERT INTO probe VALUES (42)'
# As the image prepares it: owned by postgres, mode 1777.
mkdir -m 1777 "$dir/replica"
chown postgres:postgres "$dir/replica"
setsid runuser -u postgres -- env PATH="$PATH" PGDATA="$dir/replica" PGPASSWORD="$REPLICATION_PASSWORD" PGPORT=5433 \
  bash -c "$replica_script" >"$dir/replica.log" 2>&1 &
replica_group=$!
for _ in $(seq $((wait_seconds * 5))); do
  if pg_isready -q -h 127.0.0.1 -p 5433; then
    psql -q -h 127.0.0.1 -U app -d app -c 'INSERT INTO probe VALUES (43)'
    for _ in $(seq 50); do
      seen="$(psql -h 127.0.0.1 -p 5433 -U app -d app -tAc 'SELECT pg_is_in_recovery(), array_agg(x ORDER BY x) FROM probe')"
      [ "$seen" = 't|{42,43}' ] && break
      sleep 0.2
    done
    echo "RESULT $seen"
    exit 0
  fi
  sleep 0.2
done
echo "RESULT none"
cat "$dir/replica.log"
`;

/** What compose hands the shell: `$$` is compose's escape for a `$`. */
function interpolated(script: string): string {
  assert.doesNotMatch(script.replace(/\$\$/g, ''), /\$\{/, 'the scripts need no compose variable');
  return script.replace(/\$\$/g, '$');
}

function runHarness(initScript: (script: string) => string, waitSeconds: number): string {
  const file = parse(readFileSync(join(REPO_ROOT, COMPOSE_SCALE_PATH), 'utf8')) as {
    services: Record<string, { command: string[] }>;
    configs: Record<string, { content: string }>;
  };
  const replicaScript = interpolated(file.services['postgres-replica'].command[2]);
  const [program, ...primaryArgs] = file.services['postgres-primary'].command;
  assert.equal(program, 'postgres');
  const dir = mkdtempSync(join(tmpdir(), 'apso-replication-'));
  chmodSync(dir, 0o755);
  // The data directories are created in it by the postgres user, as PostgreSQL refuses to run as root.
  const [uid, gid] = ['-u', '-g'].map((flag) => Number(execFileSync('id', [flag, 'postgres']).toString()));
  chownSync(dir, uid, gid);
  try {
    writeFileSync(join(dir, 'hosts'), `${readFileSync('/etc/hosts', 'utf8')}\n127.0.0.1 postgres-primary\n`);
    writeFileSync(join(dir, 'password'), 'primary-secret\n', { mode: 0o644 });
    writeFileSync(join(dir, 'init.sh'), initScript(interpolated(file.configs['postgres-replication-init'].content)), {
      mode: 0o644,
    });
    writeFileSync(join(dir, 'harness.sh'), HARNESS);
    const result = spawnSync(
      'unshare',
      [
        '--net',
        '--mount',
        'bash',
        join(dir, 'harness.sh'),
        dir,
        join(dir, 'init.sh'),
        replicaScript,
        primaryArgs.join(' '),
        String(waitSeconds),
      ],
      {
        encoding: 'utf8',
        timeout: 120_000,
        env: { ...process.env, POSTGRES_PASSWORD: 'primary-secret', REPLICATION_PASSWORD: 'replication-secret' },
      },
    );
    return `${result.stdout}${result.stderr}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("docker-compose.scale.yml's PostgreSQL primary and streaming replica (PostgreSQL 15)", options, () => {
  test('the replica copies the primary on its first start and then streams its writes', () => {
    const output = runHarness((script) => script, 60);
    assert.match(output, /^RESULT t\|\{42,43\}$/m, output);
  });

  test("without the init script's pg_hba line the replica cannot copy the primary", () => {
    const output = runHarness((script) => script.replace(/^echo "host replication.*$/m, ''), 5);
    assert.match(output, /^RESULT none$/m, output);
    assert.match(output, /no pg_hba\.conf entry for replication connection/, output);
  });
});
