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
  | 'mp4-secure-token';

export interface Lesson {
  readonly n: number;
  readonly title: string;
  readonly summary: string;
  readonly kind: LessonKind;
  /** Path at the media origin (and the edge), canonical. */
  readonly mediaPath: string;
  /** For prefix grants: the pattern the token allows. */
  readonly grant?: string;
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
    blurb: 'Three short lessons, three ways to sign a link: one file, a whole HLS stream, and the legacy format you may be migrating from.',
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
