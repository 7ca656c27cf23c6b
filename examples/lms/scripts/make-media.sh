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

# One HLS rendition: H.264 + AAC, a keyframe at every segment boundary (so
# segments cut cleanly), relative URIs only, so a token carried in the path
# (/_token/<jwt>/...) is inherited by every playlist and segment the player fetches.
rendition() { # dir name size video_bitrate source fps seconds segment_seconds tone_hz label
  local dir="$1" name="$2" size="$3" rate="$4" source="$5" fps="$6" secs="$7" segment="$8" tone="$9" label="${10}"
  local gop=$((fps * segment))
  mkdir -p "$dir/$name"
  ff -f lavfi -i "${source}=size=${size}:rate=${fps}:duration=${secs}" \
     -f lavfi -i "sine=frequency=${tone}:sample_rate=44100:duration=${secs}" \
     -vf "drawtext=text='${label} ${name}  %{pts\\:hms}':fontcolor=white:fontsize=16:box=1:boxcolor=black@0.6:x=(w-tw)/2:y=h-th-8" \
     -c:v libx264 -profile:v main -level 3.0 -pix_fmt yuv420p -preset veryfast -b:v "$rate" -maxrate "$rate" -bufsize "$rate" \
     -g "$gop" -keyint_min "$gop" -sc_threshold 0 \
     -c:a aac -b:a 32k -ac 1 -shortest \
     -f hls -hls_time "$segment" -hls_playlist_type vod -hls_segment_filename "$dir/$name/seg%d.ts" \
     "$dir/$name/index.m3u8"
}

# A master playlist over two renditions (main profile, level 3.0, AAC-LC).
master() { # dir low_name low_size low_bandwidth high_name high_size high_bandwidth
  cat > "$1/master.m3u8" <<M3U8
#EXTM3U
#EXT-X-VERSION:3
#EXT-X-STREAM-INF:BANDWIDTH=$4,RESOLUTION=$3,CODECS="avc1.4d401e,mp4a.40.2"
$2/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=$7,RESOLUTION=$6,CODECS="avc1.4d401e,mp4a.40.2"
$5/index.m3u8
M3U8
}

# Lesson 2: an 8 s stream, ~2 s segments.
rendition "$out/course-1/hls" 180p 320x180 250k testsrc 25 "$seconds" 2 523 'Course 1 - HLS'
rendition "$out/course-1/hls" 360p 640x360 600k testsrc 25 "$seconds" 2 523 'Course 1 - HLS'
master "$out/course-1/hls" 180p 320x180 350000 360p 640x360 750000

# The lecture: 60 s, long enough to outlive a short link (LINK_TTL) while it
# plays, so the player must renew its token. Two low-bitrate renditions, 4 s
# segments, a running clock burnt into the picture.
rendition "$out/course-1/lecture" 144p 256x144 90k testsrc2 15 60 4 392 'Lecture'
rendition "$out/course-1/lecture" 240p 426x240 170k testsrc2 15 60 4 392 'Lecture'
master "$out/course-1/lecture" 144p 256x144 150000 240p 426x240 240000

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
