#!/usr/bin/env bash
# A throw-away Dovecot IMAP server for the inbound e-mail tests (tests/mailin/), the real
# server the mailbox poller talks to, not a mock: Debian's dovecot-imapd with its own config,
# plain-text login for one user, mail in a temporary Maildir, on 127.0.0.1 only.
#
#   tests/mailin/dovecot.sh start   # idempotent: does nothing if the port already answers
#   tests/mailin/dovecot.sh stop
#
# Environment: MAILIN_TEST_IMAP_PORT (10143), MAILIN_TEST_IMAP_DIR (/tmp/kst-dovecot-<port>).
# The tests log in as kst / kst-test-password (tests/mailin/conftest.py).
set -euo pipefail

PORT="${MAILIN_TEST_IMAP_PORT:-10143}"
DIR="${MAILIN_TEST_IMAP_DIR:-/tmp/kst-dovecot-$PORT}"
USER_NAME=kst
PASSWORD=kst-test-password

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; }

start() {
  if answers; then echo "IMAP already answers on 127.0.0.1:$PORT"; return 0; fi
  command -v dovecot >/dev/null || { echo "dovecot is not installed (apt-get install dovecot-imapd)" >&2; return 1; }
  id dovenull >/dev/null 2>&1 && id dovecot >/dev/null 2>&1 \
    || { echo "the dovecot/dovenull system users are missing: reinstall dovecot-core" >&2; return 1; }
  rm -rf "$DIR"
  mkdir -p "$DIR/run" "$DIR/state" "$DIR/mail"
  # Mail is read and written as 'nobody', never root (Dovecot refuses root for mail).
  chown nobody:nogroup "$DIR/mail"
  chmod 755 "$DIR" "$DIR/run"
  printf '%s:{PLAIN}%s:65534:65534::%s/mail/%s::\n' "$USER_NAME" "$PASSWORD" "$DIR" "$USER_NAME" >"$DIR/passwd"
  cat >"$DIR/dovecot.conf" <<CONF
base_dir = $DIR/run
state_dir = $DIR/state
log_path = $DIR/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 100
passdb {
  driver = passwd-file
  args = scheme=PLAIN $DIR/passwd
}
userdb {
  driver = passwd-file
  args = $DIR/passwd
}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = $PORT
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
protocol imap {
  # pytest-xdist processes and the poller's tests log in at the same time
  mail_max_userip_connections = 200
}
CONF
  dovecot -c "$DIR/dovecot.conf"
  for _ in $(seq 1 50); do answers && break; sleep 0.2; done
  if ! answers; then
    echo "Dovecot did not start on 127.0.0.1:$PORT; its log:" >&2
    cat "$DIR/dovecot.log" >&2 || true
    return 1
  fi
  echo "Dovecot answers on 127.0.0.1:$PORT (config and mail in $DIR)"
}

stop() {
  if [ -f "$DIR/dovecot.conf" ]; then dovecot -c "$DIR/dovecot.conf" stop || true; fi
}

case "${1:-start}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
