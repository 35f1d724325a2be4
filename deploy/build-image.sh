#!/usr/bin/env bash
# Build the app's image with no image registry: a Debian bookworm base from Debian's packages (debootstrap),
# imported into podman, then the Containerfile FROM it. Usage: deploy/build-image.sh [--rebuild-base]
#   IMAGE (localhost/pret-a-depenser:latest), BASE_IMAGE (localhost/debian-bookworm:latest),
#   DEBIAN_MIRROR (http://deb.debian.org/debian), WORK (a temporary folder for the base's root filesystem),
#   PIP_CA_BUNDLE (/etc/ssl/certs/ca-certificates.crt: the certificate authorities pip trusts in the build).
# Each step prints how long it took; the CPU-heavy ones run under `nice`.
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${IMAGE:-localhost/pret-a-depenser:latest}
BASE_IMAGE=${BASE_IMAGE:-localhost/debian-bookworm:latest}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SUITE=bookworm
REBUILD_BASE=0
[ "${1:-}" = "--rebuild-base" ] && REBUILD_BASE=1

say() { printf '== %s\n' "$*"; }
fail() { printf 'build-image: %s\n' "$*" >&2; exit 1; }
step_started=0
started() { step_started=$(date +%s); }
took() { say "$1 took $(( $(date +%s) - step_started )) s"; }

command -v podman >/dev/null || fail "podman is missing: apt-get install podman"
SUDO=$( [ "$(id -u)" = 0 ] || echo sudo )

# 1. The base image: Debian's minimal system, nothing else (each stage installs what it needs).
if [ "$REBUILD_BASE" = 1 ] || ! podman image exists "$BASE_IMAGE"; then
  command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ] || fail "debootstrap is missing: apt-get install debootstrap"
  WORK=${WORK:-$(mktemp -d /tmp/pret-a-depenser-base.XXXXXX)}
  trap '$SUDO rm -rf "$WORK/rootfs"' EXIT
  say "debootstrap --variant=minbase $SUITE from $DEBIAN_MIRROR into $WORK/rootfs"
  started
  $SUDO nice -n 10 /usr/sbin/debootstrap --variant=minbase "$SUITE" "$WORK/rootfs" "$DEBIAN_MIRROR" >"$WORK/debootstrap.log" 2>&1 \
    || { tail -20 "$WORK/debootstrap.log" >&2; fail "debootstrap failed (log: $WORK/debootstrap.log)"; }
  took "debootstrap"
  # no downloaded packages nor package lists in the base: each stage runs apt-get update itself
  $SUDO rm -rf "$WORK"/rootfs/var/cache/apt/archives/*.deb "$WORK"/rootfs/var/lib/apt/lists/*
  started
  $SUDO tar -C "$WORK/rootfs" --numeric-owner -c . | podman import --message "debootstrap $SUITE minbase" - "$BASE_IMAGE" >/dev/null
  took "podman import ($BASE_IMAGE)"
else
  say "base image $BASE_IMAGE is there (--rebuild-base to make it again)"
fi

# 2. Can podman run a container here as it is? If not, use the settings that work on such machines.
if ! podman run --rm --network=none "$BASE_IMAGE" true 2>"${TMPDIR:-/tmp}/podman-probe.err"; then
  say "a plain podman run fails here: $(tail -1 "${TMPDIR:-/tmp}/podman-probe.err")"
  command -v runc >/dev/null || { say "installing runc (Debian's package)"; $SUDO apt-get install -y -qq runc >/dev/null; }
  export CONTAINERS_CONF="$PWD/deploy/containers-here.conf"
  say "using CONTAINERS_CONF=$CONTAINERS_CONF (runc, lowered ulimits)"
  podman run --rm --network=none "$BASE_IMAGE" true || fail "podman cannot run a container here, even with deploy/containers-here.conf"
fi

# 3. The app's image (docker format: the OCI format has no HEALTHCHECK).
say "podman build -f Containerfile -t $IMAGE (FROM $BASE_IMAGE)"
started
# pip inside the build trusts what this machine trusts (PIP_CA_BUNDLE): the build secret pip_ca, never a layer
PIP_CA_BUNDLE=${PIP_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}
SECRET=()
[ -s "$PIP_CA_BUNDLE" ] && SECRET=(--secret "id=pip_ca,src=$PIP_CA_BUNDLE")
nice -n 10 podman build --format docker "${SECRET[@]}" --build-arg "BASE=$BASE_IMAGE" -f Containerfile -t "$IMAGE" . \
  || fail "podman build failed"
took "podman build"
podman image inspect "$IMAGE" --format 'image {{.Id}}: {{.Size}} bytes, user {{.Config.User}}, healthcheck {{.Config.Healthcheck.Test}}'
