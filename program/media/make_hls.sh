#!/usr/bin/env bash
# Turn a recording into a multi-bitrate HLS set, for the programme's `file: …/index.m3u8`: one playlist per
# bitrate (H.264 in fragmented MP4 segments, a keyframe at each segment's start so that the player can
# switch at any segment) and a master playlist naming them, in OUT_DIR.
#
#   program/media/make_hls.sh IN OUT_DIR [RUNGS]
#
# RUNGS: height:kbit/s of video (the most a rung may use; the master playlist declares it), highest first.
# The default suits a talk seen on weak connections: "720:2500 480:1200 360:700 240:300".
# CRF (default 23): quality within that cap; AUDIO_KBPS (default 64; 0: no audio track); SEGMENT seconds (6).
# The 2020 opening's set, from its placeholder (320x180, 1 fps, silent):
#   CRF=36 AUDIO_KBPS=0 program/media/make_hls.sh program/media/recordings/opening.webm \
#     program/media/recordings/opening "180:256 90:64"
# Needs ffmpeg (with libx264).
set -euo pipefail

in="$1"; out="$2"; read -r -a rungs <<< "${3:-720:2500 480:1200 360:700 240:300}"
crf="${CRF:-23}"; audio="${AUDIO_KBPS:-64}"; segment="${SEGMENT:-6}"

split="[0:v]split=${#rungs[@]}"; scales=""; maps=(); rates=(); streams=()
for i in "${!rungs[@]}"; do
  height="${rungs[$i]%%:*}"; kbps="${rungs[$i]##*:}"
  split+="[s$i]"
  scales+=";[s$i]scale=-2:$height[v$i]"
  maps+=(-map "[v$i]")
  rates+=(-b:v:$i "${kbps}k" -maxrate:v:$i "${kbps}k" -bufsize:v:$i "$((kbps * 2))k")
  if [ "$audio" = 0 ]; then streams+=("v:$i,name:${height}p"); else streams+=("v:$i,a:$i,name:${height}p"); maps+=(-map 0:a:0); fi
done
if [ "$audio" = 0 ]; then sound=(-an); else sound=(-c:a aac -b:a "${audio}k" -max_interleave_delta 0); fi

rm -rf "$out"; mkdir -p "$out"
ffmpeg -hide_banner -loglevel error -y -i "$in" -filter_complex "$split$scales" "${maps[@]}" \
  -c:v libx264 -profile:v main -pix_fmt yuv420p -preset veryslow -crf "$crf" "${rates[@]}" \
  -force_key_frames "expr:gte(t,n_forced*$segment)" -sc_threshold 0 "${sound[@]}" \
  -f hls -hls_time "$segment" -hls_playlist_type vod -hls_flags independent_segments -hls_segment_type fmp4 \
  -hls_segment_filename "$out/%v/%03d.m4s" -hls_fmp4_init_filename init.mp4 -master_pl_name index.m3u8 \
  -var_stream_map "${streams[*]}" "$out/%v/index.m3u8"
echo "$out/index.m3u8: ${#rungs[@]} bitrates, $(du -sh "$out" | cut -f1)"
