#!/usr/bin/env bash
# A guided tour of stscreds that needs no AWS account: it starts a local moto
# server (a fake AWS on 127.0.0.1), creates an IAM user `demo-user` with an access
# key and a virtual MFA device, and a role `Developer`, and runs init, auth, read,
# whoami, a role profile, exec, export, credential-process (used by the AWS CLI when
# it is installed, else by boto3, the library the AWS CLI is built on), migrate,
# rotate and list against it in a throwaway HOME, printing each command before
# running it.
#
# Run from anywhere:    scripts/demo.sh
# Use a prebuilt binary: STSCREDS_BIN=target/debug/stscreds scripts/demo.sh
# Nothing outside the temporary HOME is touched, and the server stops on exit.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$("$root/scripts/stscreds-bin") # before cd: STSCREDS_BIN may be relative
cd "$root"
venv=$(scripts/test-venv)

work=$(mktemp -d "${TMPDIR:-/tmp}/stscreds-demo.XXXXXX")
moto_pid=
cleanup() {
  exec 3>&- # closing the server's stdin tells it to stop
  if [[ -n $moto_pid ]]; then
    for _ in {1..50}; do kill -0 "$moto_pid" 2>/dev/null || break; sleep 0.1; done
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Start moto; it serves until its stdin (fd 3 here) closes, at most 10 minutes.
mkfifo "$work/moto.in"
timeout 600 "$venv/bin/python" tests/it/support/moto_server.py \
  <"$work/moto.in" >"$work/moto.out" 2>"$work/moto.err" &
moto_pid=$!
exec 3>"$work/moto.in"
for _ in {1..300}; do
  grep -q '^listening on ' "$work/moto.out" && break
  kill -0 "$moto_pid" 2>/dev/null || { cat "$work/moto.err" >&2; exit 1; }
  sleep 0.1
done
port=$(sed -n 's/^listening on \([0-9]*\)$/\1/p' "$work/moto.out")
[[ -n $port ]] || { echo "moto did not start in 30s" >&2; exit 1; }
endpoint=http://127.0.0.1:$port

# A clean, private environment: fresh HOME, no AWS settings from the caller.
unset AWS_PROFILE AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
  AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_REGION AWS_DEFAULT_REGION \
  AWS_ENDPOINT_URL_STS AWS_ENDPOINT_URL_IAM STSCREDS_PROFILE STSCREDS_BACKEND \
  STSCREDS_FILE_PASSPHRASE
export HOME=$work/home AWS_ENDPOINT_URL=$endpoint
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
mkdir -p "$HOME"
# `stscreds` on the PATH, as after `cargo install`: commands run by exec, and the
# AWS CLI's credential_process, find it there.
mkdir -p "$work/bin"
ln -s "$bin" "$work/bin/stscreds"
export PATH=$work/bin:$PATH

# The IAM user a newcomer would get from their admin: keys plus an MFA device; and a
# role their team works in.
read -r ACCESS_KEY_ID SECRET_ACCESS_KEY ROLE_ARN < <("$venv/bin/python" - "$endpoint" <<'EOF'
import json, sys, boto3
iam = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="admin", aws_secret_access_key="admin")
iam.create_user(UserName="demo-user")
key = iam.create_access_key(UserName="demo-user")["AccessKey"]
serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="demo-user")["VirtualMFADevice"]["SerialNumber"]
iam.enable_mfa_device(UserName="demo-user", SerialNumber=serial,
                      AuthenticationCode1="123456", AuthenticationCode2="654321")
trust = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
         "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
role = iam.create_role(RoleName="Developer", AssumeRolePolicyDocument=json.dumps(trust))
print(key["AccessKeyId"], key["SecretAccessKey"], role["Role"]["Arn"])
EOF
)

say() { printf '\n'; printf '# %s\n' "$@"; }
step() { printf '$ %s\n' "$1"; eval "$1"; }
# The AWS CLI answers `aws sts get-caller-identity` below; where it is not installed,
# a stand-in on boto3 (the library the AWS CLI is built on, which finds credentials
# the same way) answers that one command.
cli_note=
if ! command -v aws >/dev/null; then
  cat >"$work/bin/aws" <<EOF
#!/usr/bin/env bash
# A stand-in for \`aws sts get-caller-identity [--profile NAME] ...\`: prints the Arn.
exec "$venv/bin/python" - "\$@" <<'PY'
import sys, boto3
args = sys.argv[1:]
assert args[:2] == ["sts", "get-caller-identity"], "the stand-in knows only this call"
profile = args[args.index("--profile") + 1] if "--profile" in args else None
print(boto3.Session(profile_name=profile).client("sts").get_caller_identity()["Arn"])
PY
EOF
  chmod +x "$work/bin/aws"
  cli_note="(The AWS CLI is not installed here: a stand-in on boto3 answers for it.)"
fi

say "A fake AWS (moto) is listening on $endpoint; AWS_ENDPOINT_URL points stscreds at it." \
  "HOME is the empty directory $HOME." \
  "IAM user demo-user has long-term key ACCESS_KEY_ID=$ACCESS_KEY_ID and a virtual MFA device."

say "1. Store the long-term keys once. stscreds checks them with iam:GetUser and keeps" \
  "   them in ~/.stscreds/credentials. (Interactively it prompts; here we pipe them in.)"
step 'printf "%s\n%s\n" "$ACCESS_KEY_ID" "$SECRET_ACCESS_KEY" | stscreds init'

say "2. Trade them plus an MFA code for session credentials (sts:GetSessionToken)." \
  "   moto accepts any code; a real device would show you a fresh one."
step 'echo 123456 | stscreds auth'

say "3. They are in ~/.aws/credentials, where every AWS SDK and the aws CLI look." \
  "   (moto always hands out the same example key, AKIAIOSFODNN7EXAMPLE.)"
step 'cat ~/.aws/credentials'

say "4. Scripts can read one value; while the credentials are fresh, no network is used."
step 'stscreds read aws_access_key_id'

say "5. Who the stored keys belong to, and their MFA devices."
step 'stscreds whoami'

say "6. To put session credentials in your shell's environment instead, either renew and export:"
step 'eval "$(stscreds auth --output-env --token-code 123456)"'
step 'echo "$AWS_ACCESS_KEY_ID"'
say "   or export what is already there (auth again only if expired):"
step 'export AWS_ACCESS_KEY_ID=$(stscreds read aws_access_key_id)'
step 'export AWS_SECRET_ACCESS_KEY=$(stscreds read aws_secret_access_key)'
step 'export AWS_SESSION_TOKEN=$(stscreds read aws_session_token)'
step 'echo "${AWS_SESSION_TOKEN:0:24}..."'
say "   (Back to a clean shell for the rest of the tour: the region too, which export" \
  "   sets as exec does, and which would otherwise override every profile's.)"
step 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWS_REGION AWS_DEFAULT_REGION'

say "7. Roles, as aws-vault users know them: a role profile over the profile whose keys" \
  "   stscreds stores, plus a profile for the AWS tools (dev-cli) that asks stscreds" \
  "   for the role's credentials through credential_process."
cat >"$HOME/.aws/config" <<EOF
[default]
region = us-east-1

[profile dev]
role_arn = $ROLE_ARN
source_profile = default
region = eu-west-1

[profile dev-cli]
region = eu-west-1
credential_process = stscreds credential-process --profile dev
EOF
step 'cat ~/.aws/config'
say "   The role is assumed with the MFA session from step 6: no new code is asked for."
step 'stscreds auth --profile dev'
step 'stscreds whoami --profile dev'

say "8. exec: a command with the role's credentials and region in its environment only" \
  "   (never on a command line). Without a command it starts your \$SHELL, where" \
  "   stscreds commands without --profile mean dev: a ~/.bashrc with the read lines of" \
  "   step 6 keeps the role's credentials."
step "stscreds exec --profile dev -- sh -c 'echo \"\$STSCREDS_PROFILE in \$AWS_REGION as \$AWS_ACCESS_KEY_ID; read inside: \$(stscreds read aws_access_key_id)\"'"
say "   Any AWS tool run that way acts as the role. $cli_note"
step 'stscreds exec --profile dev -- aws sts get-caller-identity --query Arn --output text'

say "9. export: the same variables as exec, for a shell to load (or a .env file)."
step 'stscreds export --profile dev --format dotenv | cut -c1-64'
step 'eval "$(stscreds export --profile dev)"'
step 'echo "$AWS_ACCESS_KEY_ID in $AWS_REGION"'
step 'unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_CREDENTIAL_EXPIRATION AWS_REGION AWS_DEFAULT_REGION'

say "10. credential_process: the AWS tools ask stscreds themselves, whenever they need" \
  "    credentials (served from the cache, with no network call, while fresh)."
step 'aws sts get-caller-identity --profile dev-cli --query Arn --output text'

say "11. Take the long-term keys out of plaintext: encrypt them with a passphrase" \
  "    (typed on a terminal; from STSCREDS_FILE_PASSPHRASE here). The keyring backend" \
  "    (--to keyring) works the same way where a desktop keyring runs."
step 'export STSCREDS_FILE_PASSPHRASE="demo passphrase"'
step 'stscreds migrate --to encrypted-file'
step 'head -c 80 ~/.stscreds/credentials.age; echo'

say "12. Replace the access key with a new one: create, verify, store, delete the old."
step 'stscreds rotate'

say "13. What stscreds manages."
step 'stscreds list'

say "Done. The temporary HOME and the moto server are cleaned up now."
