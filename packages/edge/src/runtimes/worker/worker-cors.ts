// A module of dist/worker.js loaded only when URLSEAL_CORS is set (issue 16): the reading
// of its origins, each spelled as a browser sends `Origin`.
export { readCors } from '../../core/options.js';
