#!/usr/bin/env bash
# The Debian package, tested on the machine itself (scripts/test runs this; it needs root and dpkg):
# build it (Native AOT publish + scripts/package-deb), lintian (no errors), the unit through
# systemd-analyze verify, then install with dpkg → pardon --version / rank from /usr/bin, man pages
# rendered without warnings, completions loaded by bash (and parsed by zsh and fish), remove (the conffile
# stays), purge (everything gone). The machine is restored whatever happens: the package is purged, and
# packages its Conflicts/Replaces made dpkg remove (earlyoom, nohang) are reinstalled. When systemd is not
# running (containers, this CI), postinst starts nothing and the test checks that no daemon runs.
#   tests/package/test-package.sh [--deb FILE]   (a prebuilt package; default: build one)
set -euo pipefail
cd "$(dirname "$0")/../.."
test_started=$(date +%s)

fail() { echo "package test: FAILED: $*" >&2; exit 1; }
step() { echo "package test: $*" >&2; }

[ "$(id -u)" -eq 0 ] || fail "needs root (it installs the package with dpkg)"
for tool in dpkg dpkg-deb lintian systemd-analyze man scdoc bash zsh fish; do
  command -v "$tool" >/dev/null || fail "$tool is missing (scripts/setup test installs it)"
done
if dpkg-query -W -f='${Status}' pardon 2>/dev/null | grep -q 'installed\|config-files'; then
  fail "a pardon package is already installed here; this test installs and purges its own and will not touch it"
fi

deb=""
[ "${1:-}" = --deb ] && deb="$2"
if [ -z "$deb" ]; then
  step "building the package (Native AOT publish + scripts/package-deb)"
  started=$(date +%s)
  deb=$(./scripts/package-deb)
  step "built $deb in $(( $(date +%s) - started )) s"
fi
version=$(dpkg-deb -f "$deb" Version)

step "lintian"
# Errors fail the test; warnings and notes are printed (docs/operations.md lists the expected notes).
lintian --fail-on error --info "$deb" >&2 || fail "lintian reports errors (above)"

# Whatever happens from here on, leave the machine as it was.
removed_conflicts=()
for p in earlyoom nohang systemd-oomd; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed'; then
    removed_conflicts+=("$p")
  fi
done
contents=""
cleanup() {
  status=$?
  [ -z "$contents" ] || rm -rf "$contents"
  if dpkg-query -W -f='${Status}' pardon 2>/dev/null | grep -q 'installed\|config-files'; then
    dpkg --purge pardon >/dev/null 2>&1 || echo "package test: could not purge pardon" >&2
  fi
  if [ "${#removed_conflicts[@]}" -gt 0 ]; then
    missing=()
    for p in "${removed_conflicts[@]}"; do
      dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed' || missing+=("$p")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
      echo "package test: reinstalling ${missing[*]}, which the package's Conflicts/Replaces removed" >&2
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
        || { echo "package test: could not reinstall ${missing[*]}" >&2; status=1; }
    fi
  fi
  exit "$status"
}
trap cleanup EXIT

step "dpkg -i $deb"
dpkg -i "$deb" >&2 || fail "dpkg -i"
[ "$(dpkg-query -W -f='${Status}' pardon)" = "install ok installed" ] || fail "pardon is not installed after dpkg -i"
for p in "${removed_conflicts[@]}"; do
  ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed' || fail "$p is still installed despite Conflicts/Replaces"
done

step "the executable"
[ "$(command -v pardon)" = /usr/bin/pardon ] || fail "pardon resolves to $(command -v pardon), not /usr/bin/pardon"
[ "$(/usr/bin/pardon --version)" = "$version" ] || fail "pardon --version says '$(/usr/bin/pardon --version)', the package '$version'"
rank=$(/usr/bin/pardon rank) || fail "pardon rank exited $?"
grep -q '^kernel would kill: ' <<<"$rank" || fail "pardon rank printed no kernel victim: $rank"
/usr/bin/pardon rank --json | grep -q '"kernel_victim"' || fail "pardon rank --json has no kernel_victim"
cmp -s /etc/pardon/pardon.jsonc packaging/pardon.jsonc || fail "/etc/pardon/pardon.jsonc is not packaging/pardon.jsonc"
/usr/bin/pardon daemon --print-config | head -1 | grep -q '/etc/pardon/pardon.jsonc' \
  || fail "the daemon does not read the installed /etc/pardon/pardon.jsonc"
grep -qx /etc/pardon/pardon.jsonc /var/lib/dpkg/info/pardon.conffiles || fail "/etc/pardon/pardon.jsonc is not a conffile"

step "postinst: enabled, and started only where systemd runs"
if [ -d /run/systemd/system ]; then
  [ "$(systemctl is-enabled pardon.service)" = enabled ] || fail "pardon.service is not enabled"
  systemctl is-active --quiet pardon.service || fail "pardon.service is not running after installation"
else
  [ -L /etc/systemd/system/multi-user.target.wants/pardon.service ] || fail "pardon.service is not enabled (no multi-user.target.wants link)"
  for exe in /proc/[0-9]*/exe; do
    [ "$(readlink "$exe" 2>/dev/null)" != /usr/bin/pardon ] || fail "a pardon daemon runs (${exe%/exe}) though systemd does not"
  done
fi

# Minimal images (Debian's container images) tell dpkg not to install man pages and docs
# (path-exclude in /etc/dpkg/dpkg.cfg.d): the package's own copies are then checked from the .deb.
excluded() {
  local pattern
  for pattern in $(sed -n 's/^path-exclude[= ]*//p' /etc/dpkg/dpkg.cfg /etc/dpkg/dpkg.cfg.d/* 2>/dev/null); do
    # shellcheck disable=SC2053 # the pattern is a glob on purpose
    [[ $1 == $pattern ]] && return 0
  done
  return 1
}
contents=$(mktemp -d)
dpkg-deb -x "$deb" "$contents"

step "systemd-analyze verify"
man_flag=()
if excluded /usr/share/man/man8/pardon.8.gz; then man_flag=(--man=no); fi
verify=$(systemd-analyze verify "${man_flag[@]}" /lib/systemd/system/pardon.service 2>&1) || fail "systemd-analyze verify: $verify"
# It also reports what it could not check (no running manager here); anything naming the unit is a finding.
if grep -i 'pardon' <<<"$verify"; then fail "systemd-analyze verify: $verify"; fi

step "man pages"
if ! excluded /usr/share/man/man8/pardon.8.gz; then
  [ "$(man -w pardon)" = /usr/share/man/man8/pardon.8.gz ] || fail "man -w pardon: $(man -w pardon 2>&1)"
  [ "$(man -w 5 pardon.jsonc)" = /usr/share/man/man5/pardon.jsonc.5.gz ] || fail "man -w 5 pardon.jsonc"
fi
for page in "$contents/usr/share/man/man8/pardon.8.gz" "$contents/usr/share/man/man5/pardon.jsonc.5.gz"; do
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l "$page" 2>&1 >/dev/null) || fail "man -l $page failed: $warnings"
  [ -z "$warnings" ] || fail "man --warnings -l $page: $warnings"
  text=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -E UTF-8 -l "$page" 2>/dev/null)
  grep -q "Pardon $version" <<<"$text" || fail "$page does not name version $version"
done
man8=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -E UTF-8 -l "$contents/usr/share/man/man8/pardon.8.gz" 2>/dev/null)
for command in daemon rank explain request release run list status top; do
  grep -q "pardon $command" <<<"$man8" || fail "pardon(8) does not describe 'pardon $command'"
done
grep -q -- '--dry-run' <<<"$man8" || fail "pardon(8) does not describe --dry-run"
grep -q 'thresholds.term_below' <<<"$(LC_ALL=C.UTF-8 man -l "$contents/usr/share/man/man5/pardon.jsonc.5.gz" 2>/dev/null)" \
  || fail "pardon.jsonc(5) does not describe thresholds.term_below"

step "completions"
bash_file=/usr/share/bash-completion/completions/pardon
bash -c "source $bash_file && complete -p pardon" | grep -q -- '-F _pardon pardon' || fail "bash: complete -p pardon"
complete_bash() {
  bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _pardon; printf "%s\n" "${COMPREPLY[@]}"' \
    bash "$bash_file" "$@"
}
[ "$(complete_bash pardon sta)" = status ] || fail "bash: 'pardon sta' completes to '$(complete_bash pardon sta)'"
[ "$(complete_bash pardon daemon --dry)" = --dry-run ] || fail "bash: 'pardon daemon --dry' completes to '$(complete_bash pardon daemon --dry)'"
zsh -n /usr/share/zsh/vendor-completions/_pardon || fail "zsh cannot parse _pardon"
zsh -c 'autoload -Uz compinit && compinit -u -d "$1/zcompdump" && [[ $_comps[pardon] == _pardon ]]' zsh "$contents" \
  || fail "zsh's compinit does not find _pardon in its vendor-completions"
# fish keeps its history and variables under XDG_*: in the test's own directory, not root's home.
export XDG_CONFIG_HOME="$contents/xdg-config" XDG_DATA_HOME="$contents/xdg-data"
fish --no-execute /usr/share/fish/vendor_completions.d/pardon.fish || fail "fish cannot parse pardon.fish"
fish -c 'complete -C "pardon da"' | grep -q '^daemon' || fail "fish: 'pardon da' does not complete to daemon"
fish -c 'complete -C "pardon daemon --dry"' | grep -q '^--dry-run' || fail "fish: 'pardon daemon --dry' does not complete"

step "docs and copyright"
for f in README.md operations.md configuration.md copyright changelog.gz; do
  [ -f "$contents/usr/share/doc/pardon/$f" ] || fail "the package has no /usr/share/doc/pardon/$f"
  excluded "/usr/share/doc/pardon/$f" || [ -f "/usr/share/doc/pardon/$f" ] || fail "/usr/share/doc/pardon/$f is not installed"
done
grep -q '^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$contents/usr/share/doc/pardon/copyright" \
  || fail "copyright is not machine-readable"

step "dpkg -r pardon: the program goes, the conffile stays"
dpkg -r pardon >&2 || fail "dpkg -r"
[ ! -e /usr/bin/pardon ] || fail "/usr/bin/pardon is still there after remove"
[ ! -e /lib/systemd/system/pardon.service ] || fail "the unit is still there after remove"
[ -f /etc/pardon/pardon.jsonc ] || fail "the conffile went with remove"
[ "$(dpkg-query -W -f='${Status}' pardon)" = "deinstall ok config-files" ] || fail "status after remove: $(dpkg-query -W -f='${Status}' pardon)"

step "dpkg -P pardon: nothing left"
dpkg -P pardon >&2 || fail "dpkg -P"
dpkg-query -W pardon >/dev/null 2>&1 && fail "dpkg still knows pardon after purge"
for path in /etc/pardon /var/log/pardon /etc/systemd/system/multi-user.target.wants/pardon.service /etc/systemd/system/pardon.service \
  /var/lib/systemd/deb-systemd-helper-enabled/pardon.service.dsh-also \
  /var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/pardon.service \
  /var/lib/systemd/deb-systemd-helper-masked/pardon.service; do
  [ ! -e "$path" ] && [ ! -L "$path" ] || fail "$path is left after purge"
done

step "passed (pardon $version) in $(( $(date +%s) - test_started )) s"
