// `express4` is npm's alias of express@4 (a devDependency, to test both majors): the
// Express types describe it closely enough for these tests.
declare module 'express4' {
  import express from 'express';
  export default express;
}
