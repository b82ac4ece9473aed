#!/usr/bin/env bash
# Regenerate the placeholder recordings listed in the programme file.
#
#   program/media/recordings/make_placeholders.sh [PROGRAM.yaml]
#
# For every talk with a `recording.file`, writes a small WebM of exactly `recording.duration`
# whole seconds: 320x180, 1 fps VP9, the talk title and speakers and a running mm:ss clock of
# the position in the recording (so two browsers can be compared by eye), plus a silent mono
# Opus track (so muted autoplay can be tested). About 200 bytes per second of recording.
# Needs ffmpeg (with libvpx-vp9, libopus, drawtext), python3 with PyYAML, fonts-dejavu-core.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
program="${1:-$here/../../mlart-datafest-2020.yaml}"
fonts=/usr/share/fonts/truetype/dejavu
GOP=30   # a keyframe every 30 s: at 1 fps a seek decodes at most 29 tiny frames

# One line per talk: file <TAB> seconds <TAB> title (lines joined by |) <TAB> speakers
talks() {
  python3 - "$program" <<'PY'
import re, sys, textwrap, yaml
prog = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
en = lambda v: v if isinstance(v, str) else v.get("en") or next(iter(v.values()))
names = {s["slug"]: en(s["name"]) for s in prog["speakers"]}
def seconds(v):
    if isinstance(v, (int, float)):
        return int(v)
    m = re.fullmatch(r"\s*(?:(\d+)h)?\s*(?:(\d+)m)?\s*(?:(\d+)s)?\s*", str(v))
    h, m_, s = (int(x or 0) for x in m.groups())
    return h * 3600 + m_ * 60 + s
for t in prog["talks"]:
    rec = t.get("recording") or {}
    if rec.get("file"):
        title = "|".join(textwrap.wrap(en(t["title"]), 32))
        who = " & ".join(names[s] for s in t["speakers"])
        print(rec["file"], seconds(rec["duration"]), title, who, sep="\t")
PY
}

tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
printf 'ML Art room | Data Fest 2020 | placeholder' > "$tmp/header.txt"
printf '%%{eif:trunc(t/60):d:2}:%%{eif:mod(trunc(t),60):d:2}' > "$tmp/clock.txt"

talks | while IFS=$'\t' read -r file secs title who; do
  out="$(dirname "$program")/$file"
  mkdir -p "$(dirname "$out")"
  printf '%s' "$title" | tr '|' '\n' > "$tmp/title.txt"
  printf '%s' "$who" > "$tmp/speakers.txt"
  printf '/ %02d:%02d' $((secs / 60)) $((secs % 60)) > "$tmp/total.txt"
  lines=$(($(tr -cd '|' <<<"$title" | wc -c) + 1))
  # settb/setpts (after the clock is drawn): Opus starts 7 ms early (codec delay) and the WebM muxer would push the video
  # 7 ms late to compensate, making the file N.007 s long; starting the video 7 ms early too
  # keeps the first frame at 0 and the file exactly $secs seconds.
  cat > "$tmp/filter.txt" <<EOF
settb=1/1000,
drawtext=fontfile=$fonts/DejaVuSans.ttf:textfile=$tmp/header.txt:expansion=none:fontsize=10:fontcolor=0x8899aa:x=10:y=9,
drawtext=fontfile=$fonts/DejaVuSans-Bold.ttf:textfile=$tmp/title.txt:expansion=none:fontsize=14:line_spacing=3:fontcolor=white:x=10:y=30,
drawtext=fontfile=$fonts/DejaVuSans.ttf:textfile=$tmp/speakers.txt:expansion=none:fontsize=12:fontcolor=0xffcc66:x=10:y=$((30 + lines * 19 + 6)),
drawtext=fontfile=$fonts/DejaVuSansMono-Bold.ttf:textfile=$tmp/clock.txt:fontsize=36:fontcolor=white:x=10:y=128,
drawtext=fontfile=$fonts/DejaVuSansMono.ttf:textfile=$tmp/total.txt:expansion=none:fontsize=15:fontcolor=0x8899aa:x=130:y=146,
setpts=PTS-7
EOF
  # The audio stops a second before the video so it never outlasts it.
  ffmpeg -hide_banner -loglevel error -nostdin -y \
    -f lavfi -i "color=c=0x101820:s=320x180:r=1:d=$secs" \
    -f lavfi -i "anullsrc=r=48000:cl=mono:d=$((secs - 1))" \
    -filter_script:v "$tmp/filter.txt" -fps_mode:v passthrough -enc_time_base:v 1/1000 \
    -c:v libvpx-vp9 -crf 63 -b:v 0 -g "$GOP" -deadline good -cpu-used 2 -pix_fmt yuv420p \
    -c:a libopus -b:a 500 -frame_duration 120 \
    -metadata title="$(tr '\n' ' ' < "$tmp/title.txt")" \
    "$out"
  printf '%-60s %5ss %7s bytes\n' "$file" "$secs" "$(stat -c %s "$out")"
done
