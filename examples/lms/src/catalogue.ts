/**
 * The course catalogue. In a real LMS this is a database; here it is data, so
 * the example stays about signing links, not persistence.
 */

/** How a lesson's media link is signed; each kind shows one urlseal feature. */
export type LessonKind =
  /** MP4, token in the query, valid for exactly one path. */
  | 'mp4-exact'
  /** HLS, token in the path, valid for every file under a prefix. */
  | 'hls-prefix'
  /** MP4, legacy Azion / nginx secure_link md5 token (`?st=&e=`). */
  | 'mp4-secure-token'
  /** DASH, token in the path, valid for every file under a prefix (relative SegmentTemplate). */
  | 'dash-prefix'
  /** MP4, a sealed token (JWE dir + A256GCM) in the query: the link shows no claim. */
  | 'mp4-sealed';

/** How the page plays a lesson: the browser itself, hls.js, or dash.js. */
export type LessonPlayer = 'native' | 'hls' | 'dash';

/** The player each kind of lesson needs. */
export const PLAYER_OF: Readonly<Record<LessonKind, LessonPlayer>> = {
  'mp4-exact': 'native',
  'hls-prefix': 'hls',
  'mp4-secure-token': 'native',
  'dash-prefix': 'dash',
  'mp4-sealed': 'native',
};

export interface Lesson {
  readonly n: number;
  readonly title: string;
  readonly summary: string;
  readonly kind: LessonKind;
  /** Path at the media origin (and the edge), canonical. */
  readonly mediaPath: string;
  /** For prefix grants: the pattern the token allows. */
  readonly grant?: string;
  /** Seconds of media, for links that must cover the whole video (`ttlFor`): the sealed lesson. */
  readonly durationSeconds?: number;
}

export interface Course {
  readonly id: string;
  readonly title: string;
  readonly blurb: string;
  readonly lessons: readonly Lesson[];
}

export const COURSES: readonly Course[] = [
  {
    id: '1',
    title: 'Protecting media with signed URLs',
    blurb: 'Six short lessons on signing links: one file, a whole HLS stream, the legacy format you may be migrating from, a lecture that outlives its link, DASH, and a sealed link that shows nothing.',
    lessons: [
      {
        n: 1,
        title: 'One file, one link',
        summary: 'An MP4 served through the edge with a token that opens exactly this path and nothing else.',
        kind: 'mp4-exact',
        mediaPath: '/videos/course-1/intro.mp4',
      },
      {
        n: 2,
        title: 'A whole stream with one token',
        summary: 'An adaptive HLS stream: the token sits in the path, so every playlist and segment the player fetches inherits it.',
        kind: 'hls-prefix',
        mediaPath: '/videos/course-1/hls/master.m3u8',
        grant: '/videos/course-1/hls/*',
      },
      {
        n: 3,
        title: 'Migrating from secure_token',
        summary: 'The same MP4 behind a legacy md5 secure-token link, verified by the same edge while you move to JWT.',
        kind: 'mp4-secure-token',
        mediaPath: '/videos/course-1/intro.mp4',
      },
      {
        n: 4,
        title: 'A lecture that outlives its link',
        summary:
          'A one-minute HLS lecture, longer than the link it starts with when LINK_TTL is short. @urlseal/player asks the app for a fresh link before the old one expires, and after a 410, so pausing and seeking ahead keep working.',
        kind: 'hls-prefix',
        mediaPath: '/videos/course-1/lecture/master.m3u8',
        grant: '/videos/course-1/lecture/*',
      },
      {
        n: 5,
        title: 'DASH with a path token',
        summary: 'A DASH stream played with dash.js. Its MPD uses a relative SegmentTemplate, so every init and media segment inherits the token in the MPD’s path.',
        kind: 'dash-prefix',
        mediaPath: '/videos/course-1/dash/manifest.mpd',
        grant: '/videos/course-1/dash/*',
      },
      {
        n: 6,
        title: 'A sealed link reveals nothing',
        summary:
          'The same MP4 behind a sealed link: its token is encrypted (JWE, dir + A256GCM), so a log, a proxy or a support ticket holding the link reads no user, path or time. The edge opens it with the HS256 kid’s content key and grants it like any JWT.',
        kind: 'mp4-sealed',
        mediaPath: '/videos/course-1/intro.mp4',
        durationSeconds: 8,
      },
    ],
  },
  {
    id: '2',
    title: 'Caching at the edge',
    blurb: 'What a CDN may cache when every link is different, and how to keep tokens out of cache keys.',
    lessons: [
      {
        n: 1,
        title: 'Welcome',
        summary: 'A short welcome video.',
        kind: 'mp4-exact',
        mediaPath: '/videos/course-2/welcome.mp4',
      },
    ],
  },
];

export function findCourse(id: string): Course | undefined {
  return COURSES.find((c) => c.id === id);
}

export function findLesson(course: Course, n: string): Lesson | undefined {
  if (!/^[1-9][0-9]{0,3}$/.test(n)) return undefined;
  return course.lessons.find((l) => l.n === Number(n));
}
