#!/usr/bin/env bash
# Regenerates the demo media under examples/lms/media from ffmpeg's synthetic
# sources (testsrc2 + sine), so the repository carries no third-party footage and
# anyone can rebuild the exact same kind of files. Output is small on purpose
# (well under 3 MB in total): it is committed.
#
#   bash examples/lms/scripts/make-media.sh
#
# Needs ffmpeg with libx264, the native aac encoder and the hls and dash muxers
# (Debian's ffmpeg has them all: apt-get install ffmpeg). The test suite never
# runs this script: it checks the committed files.
set -euo pipefail
umask 022 # files must be world-readable: the media origin serves them as-is

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$here/media/videos"
seconds=8

ff() { ffmpeg -hide_banner -loglevel error -y "$@"; }

# One H.264 + AAC MP4, moov atom first (+faststart) so a browser can start
# playing, and answer Range requests, before the whole file arrives.
mp4() { # size label tone_hz output
  local size="$1" label="$2" tone="$3" dest="$4"
  ff -f lavfi -i "testsrc2=size=${size}:rate=25:duration=${seconds}" \
     -f lavfi -i "sine=frequency=${tone}:sample_rate=44100:duration=${seconds}" \
     -vf "drawtext=text='${label}':fontcolor=white:fontsize=24:box=1:boxcolor=black@0.6:x=(w-tw)/2:y=h-th-16" \
     -c:v libx264 -profile:v main -pix_fmt yuv420p -preset veryfast -crf 30 -g 50 \
     -c:a aac -b:a 64k -ac 2 -movflags +faststart -shortest "$dest"
}

rm -rf "$out"
mkdir -p "$out/course-1/hls" "$out/course-1/lecture" "$out/course-1/dash" "$out/course-2"

mp4 640x360 'Course 1 - Lesson 1' 440 "$out/course-1/intro.mp4"
mp4 640x360 'Course 2 - Welcome' 660 "$out/course-2/welcome.mp4"

# HLS: two renditions, ~2 s segments (keyframe every 50 frames at 25 fps),
# relative URIs only, so a token carried in the path (/_token/<jwt>/...) is
# inherited by every playlist and segment the player fetches.
hls() { # size bitrate name
  local size="$1" rate="$2" name="$3"
  mkdir -p "$out/course-1/hls/$name"
  ff -f lavfi -i "testsrc=size=${size}:rate=25:duration=${seconds}" \
     -f lavfi -i "sine=frequency=523:sample_rate=44100:duration=${seconds}" \
     -vf "drawtext=text='Course 1 - HLS ${name}':fontcolor=white:fontsize=20:box=1:boxcolor=black@0.6:x=(w-tw)/2:y=h-th-10" \
     -c:v libx264 -profile:v main -pix_fmt yuv420p -preset veryfast -b:v "$rate" -maxrate "$rate" -bufsize "$rate" \
     -g 50 -keyint_min 50 -sc_threshold 0 \
     -c:a aac -b:a 64k -ac 2 -shortest \
     -f hls -hls_time 2 -hls_playlist_type vod -hls_segment_filename "$out/course-1/hls/$name/seg%d.ts" \
     "$out/course-1/hls/$name/index.m3u8"
}
hls 320x180 250k 180p
hls 640x360 600k 360p

cat > "$out/course-1/hls/master.m3u8" <<'M3U8'
#EXTM3U
#EXT-X-VERSION:3
#EXT-X-STREAM-INF:BANDWIDTH=350000,RESOLUTION=320x180,CODECS="avc1.4d400c,mp4a.40.2"
180p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=750000,RESOLUTION=640x360,CODECS="avc1.4d401e,mp4a.40.2"
360p/index.m3u8
M3U8

# The lecture: 60 s, long enough to outlive a short link (LINK_TTL) while it
# plays, so the player must renew its token. Two low-bitrate renditions, 4 s
# segments, a running clock burnt into the picture. Relative URIs only.
lecture() { # size video_bitrate name
  local size="$1" rate="$2" name="$3" secs=60
  mkdir -p "$out/course-1/lecture/$name"
  ff -f lavfi -i "testsrc2=size=${size}:rate=15:duration=${secs}" \
     -f lavfi -i "sine=frequency=392:sample_rate=22050:duration=${secs}" \
     -vf "drawtext=text='Lecture ${name}  %{pts\\:hms}':fontcolor=white:fontsize=16:box=1:boxcolor=black@0.6:x=(w-tw)/2:y=h-th-8" \
     -c:v libx264 -profile:v main -level 3.0 -pix_fmt yuv420p -preset veryfast -b:v "$rate" -maxrate "$rate" -bufsize "$rate" \
     -g 60 -keyint_min 60 -sc_threshold 0 \
     -c:a aac -b:a 32k -ac 1 -shortest \
     -f hls -hls_time 4 -hls_playlist_type vod -hls_segment_filename "$out/course-1/lecture/$name/seg%d.ts" \
     "$out/course-1/lecture/$name/index.m3u8"
}
lecture 256x144 90k 144p
lecture 426x240 170k 240p

cat > "$out/course-1/lecture/master.m3u8" <<'M3U8'
#EXTM3U
#EXT-X-VERSION:3
#EXT-X-STREAM-INF:BANDWIDTH=150000,RESOLUTION=256x144,CODECS="avc1.4d401e,mp4a.40.2"
144p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=240000,RESOLUTION=426x240,CODECS="avc1.4d401e,mp4a.40.2"
240p/index.m3u8
M3U8

# DASH: 20 s of fragmented MP4, one video and one audio representation, a
# relative SegmentTemplate (no BaseURL), so a token in the path of the MPD's URL
# (/_token/<jwt>/…/manifest.mpd) is inherited by every init and media segment.
ff -f lavfi -i "testsrc=size=426x240:rate=25:duration=20" \
   -f lavfi -i "sine=frequency=587:sample_rate=44100:duration=20" \
   -vf "drawtext=text='Course 1 - DASH  %{pts\\:hms}':fontcolor=white:fontsize=18:box=1:boxcolor=black@0.6:x=(w-tw)/2:y=h-th-10" \
   -map 0:v -map 1:a \
   -c:v libx264 -profile:v main -level 3.0 -pix_fmt yuv420p -preset veryfast -b:v 200k -maxrate 200k -bufsize 200k \
   -g 50 -keyint_min 50 -sc_threshold 0 \
   -c:a aac -b:a 48k -ac 1 -shortest \
   -f dash -seg_duration 2 -use_template 1 -use_timeline 0 -single_file 0 \
   -init_seg_name 'init-$RepresentationID$.m4s' -media_seg_name 'chunk-$RepresentationID$-$Number%05d$.m4s' \
   -adaptation_sets 'id=0,streams=v id=1,streams=a' \
   "$out/course-1/dash/manifest.mpd"

chmod -R a+rX "$out"
du -sh "$out"
