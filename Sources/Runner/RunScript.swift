/// The host shell script that `unshare` runs as the first process of the new namespaces.
///
/// It is a constant: every value reaches it through `IS_*` environment variables or positional arguments and is
/// always quoted, never interpolated into the text. Positional arguments are the mounts (`bind SRC TARGET ro|rw`,
/// `tmpfs TARGET`), then `--`, then the command's `KEY=VALUE` environment.
///
/// When it fails before the command starts it writes a word to `$IS_SCRATCH/status` (`nooverlay`, `noshell`,
/// `nouser`, `setup`) and a one-line reason to standard error, so the engine can tell set-up failures from the
/// command's own exit status. Every mount target it had to create is appended to `$IS_SCRATCH/created` (paths
/// relative to the root), so the engine leaves them out of the layer. `$IS_SCRATCH/started` marks that the set-up
/// is done and the command itself runs.
///
/// With an emulator, the script starts itself again (`IS_STAGE=inner`, text in `IS_SCRIPT`) in a new user and
/// mount namespace whose id map it writes, mounts a private binfmt_misc there, registers the interpreter and only
/// then checks the shell and runs the command; the host's global binfmt_misc is never touched.
enum RunScript {
    static let text = #"""
        set -eu
        S=$IS_SCRATCH
        M=$S/merged

        fail() { printf '%s\n' "$1" > "$S/status"; printf 'imagespec-run: %s\n' "$2" >&2; exit 125; }

        # ensure KIND PATH [optional]: make the mount target PATH (absolute in the image) exist, as a directory
        # (KIND d) or an empty file (KIND f), recording every component it creates. A symlink on the way could
        # point outside the root, so it is refused (or, when optional, the mount is skipped).
        ensure() {
            kind=$1 target=$2 optional=${3:-}
            rest=${target#/} sofar=
            while [ -n "$rest" ]; do
                part=${rest%%/*}
                case $rest in */*) rest=${rest#*/} ;; *) rest= ;; esac
                [ -n "$part" ] || continue
                sofar=$sofar/$part
                if [ -L "$M$sofar" ]; then
                    [ -n "$optional" ] && return 1
                    fail setup "mount target $target goes through the symlink $sofar in the image; use the real path"
                fi
                if [ ! -e "$M$sofar" ]; then
                    if [ -n "$rest" ] || [ "$kind" = d ]; then mkdir -m 755 "$M$sofar"; else : > "$M$sofar"; fi
                    printf '%s\n' "${sofar#/}" >> "$S/created"
                fi
            done
            return 0
        }

        bind_ro() { mount --bind "$1" "$2"; mount -o remount,bind,ro "$2"; }

        # finish ENV...: check the shell, resolve the user, and become the command.
        finish() {
            if ! env -i "$IS_CHROOT" "$M" /bin/sh -c : < /dev/null > /dev/null 2>&1; then
                fail noshell "the image has no runnable /bin/sh"
            fi

            : > "$S/started"
            if [ -n "$IS_USER" ]; then
                user=${IS_USER%%:*} group=
                case $IS_USER in *:*) group=${IS_USER#*:} ;; esac
                uid= gid=
                if [ -f "$M/etc/passwd" ]; then
                    while IFS=: read -r name _ id primary _; do
                        if [ "$name" = "$user" ] || [ "$id" = "$user" ]; then uid=$id gid=$primary; break; fi
                    done < "$M/etc/passwd"
                fi
                case $user in
                *[!0-9]*) [ -n "$uid" ] || fail nouser "user $user is not in the image's /etc/passwd" ;;
                *) uid=$user; [ -n "$gid" ] || gid=0 ;;
                esac
                if [ -n "$group" ]; then
                    case $group in
                    *[!0-9]*)
                        gid=
                        if [ -f "$M/etc/group" ]; then
                            while IFS=: read -r name _ id _; do
                                if [ "$name" = "$group" ]; then gid=$id; break; fi
                            done < "$M/etc/group"
                        fi
                        [ -n "$gid" ] || fail nouser "group $group is not in the image's /etc/group" ;;
                    *) gid=$group ;;
                    esac
                fi
                exec env -i "$@" "$IS_CHROOT" "--userspec=$uid:$gid" "--groups=$gid" "$M" \
                    /bin/sh -c 'cd -- "$1" && unset OLDPWD && exec /bin/sh -c "$2"' sh "$IS_WORKDIR" "$IS_COMMAND"
            fi
            exec env -i "$@" "$IS_CHROOT" "$M" /bin/sh -c 'cd -- "$1" && unset OLDPWD && exec /bin/sh -c "$2"' sh "$IS_WORKDIR" "$IS_COMMAND"
        }

        if [ "${IS_STAGE:-}" = inner ]; then
            read -r _ < "$S/go"
            mount -t binfmt_misc binfmt_misc "$S/binfmt" ||
                fail setup "cannot mount a private binfmt_misc (needs Linux 6.7 or later)"
            printf '%s' "$IS_EMULATOR" > "$S/binfmt/register" ||
                fail setup "cannot register the emulator in the private binfmt_misc"
            finish "$@"
        fi

        cd "$S/l"
        opts="lowerdir=$IS_LOWER,upperdir=$S/upper,workdir=$S/work,redirect_dir=off,metacopy=off$IS_OVERLAY_EXTRA"
        if ! mount -t overlay -o "$opts,index=off" overlay "$M" 2>/dev/null; then
            mount -t overlay -o "$opts" overlay "$M" || fail nooverlay "cannot mount the overlay file system"
        fi
        cd /

        ensure d /proc
        mount -t proc -o nosuid,nodev,noexec proc "$M/proc"
        ensure d /dev
        mount -t tmpfs -o mode=755,nosuid tmpfs "$M/dev"
        for device in null zero full random urandom tty; do
            : > "$M/dev/$device"
            mount --bind "/dev/$device" "$M/dev/$device"
        done
        ln -s /proc/self/fd "$M/dev/fd"
        ln -s /proc/self/fd/0 "$M/dev/stdin"
        ln -s /proc/self/fd/1 "$M/dev/stdout"
        ln -s /proc/self/fd/2 "$M/dev/stderr"
        mkdir "$M/dev/pts" "$M/dev/shm"
        if mount -t devpts -o newinstance,ptmxmode=0666,mode=620 devpts "$M/dev/pts" 2>/dev/null; then
            ln -s pts/ptmx "$M/dev/ptmx"
        fi
        mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$M/dev/shm"
        ensure d /tmp
        mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$M/tmp"
        if [ -n "$IS_RESOLV" ] && ensure f /etc/resolv.conf optional; then bind_ro "$IS_RESOLV" "$M/etc/resolv.conf"; fi
        if [ -n "$IS_CA" ] && ensure f /run/imagespec/ca-certificates.crt optional; then
            bind_ro "$IS_CA" "$M/run/imagespec/ca-certificates.crt"
        fi

        while [ "$#" -gt 0 ]; do
            case $1 in
            bind)
                if [ -d "$2" ]; then ensure d "$3"; else ensure f "$3"; fi
                if [ "$4" = ro ]; then bind_ro "$2" "$M$3"; else mount --bind "$2" "$M$3"; fi
                shift 4 ;;
            tmpfs)
                ensure d "$2"
                mount -t tmpfs -o mode=755 tmpfs "$M$2"
                shift 2 ;;
            --) shift; break ;;
            *) fail setup "unknown mount kind $1" ;;
            esac
        done

        if [ -n "$IS_EMULATOR" ]; then
            # A private binfmt_misc needs a user namespace (Linux 6.7+). Its id map (the full 0-65535 range, so
            # owners survive) is written from here, as newuidmap may not be installed.
            mkdir "$S/binfmt"
            mkfifo "$S/go"
            IS_STAGE=inner unshare --user --mount --propagation private /bin/sh -c "$IS_SCRIPT" sh "$@" &
            child=$!
            mine=$(readlink /proc/self/ns/user)
            while [ "$(readlink "$M/proc/$child/ns/user" 2>/dev/null || echo gone)" = "$mine" ]; do sleep 0.01; done
            printf '0 0 65536\n' > "$M/proc/$child/uid_map" || fail setup "cannot map ids into the user namespace"
            printf '0 0 65536\n' > "$M/proc/$child/gid_map" || fail setup "cannot map ids into the user namespace"
            echo go > "$S/go"
            status=0
            wait "$child" || status=$?
            exit "$status"
        fi
        finish "$@"
        """#
}
