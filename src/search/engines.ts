// The search index implementations this build carries; each registers itself with src/search/index.ts.
import './sqlite/index.js';
import './pg/index.js';
