// Code links as GitHub repositories: owner/name, or nothing when a link is not a repository
// (gists, organisation or user pages, GitHub's own pages). Blob, tree and issue URLs name their
// repository, so they reduce to it; raw file URLs too.
const RESERVED_OWNERS = new Set([
  'about', 'apps', 'blog', 'codespaces', 'collections', 'contact', 'customer-stories', 'enterprise', 'events', 'explore',
  'features', 'github-copilot', 'issues', 'join', 'login', 'marketplace', 'new', 'notifications', 'organizations', 'orgs',
  'pricing', 'pulls', 'readme', 'resources', 'search', 'security', 'settings', 'site', 'solutions', 'sponsors', 'team',
  'topics', 'trending', 'users',
]);
const OWNER = /^[a-z0-9](?:[a-z0-9-]{0,38})$/i; // GitHub's login rule: alphanumerics and single hyphens
const NAME = /^[\w.-]{1,100}$/;

/** `owner/name` (lower-cased) if the pair names a repository, else null. */
export function normalizeRepoName(fullName: string): string | null {
  const parts = fullName.trim().split('/');
  if (parts.length !== 2) return null;
  const owner = parts[0];
  const name = parts[1].replace(/\.git$/i, '');
  if (!OWNER.test(owner) || RESERVED_OWNERS.has(owner.toLowerCase())) return null;
  if (!NAME.test(name) || name === '.' || name === '..') return null;
  return `${owner}/${name}`.toLowerCase();
}

/** The repository a URL points into, or null (gists, org pages, other hosts, garbage). */
export function repoFromUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  const host = u.hostname.toLowerCase();
  const segments = u.pathname.split('/').filter(Boolean).map(decodeSegment);
  if (host === 'github.com' || host === 'www.github.com' || host === 'raw.githubusercontent.com') {
    if (segments.length < 2) return null; // a user or organisation page
    return normalizeRepoName(`${segments[0]}/${segments[1]}`);
  }
  return null; // gist.github.com, *.github.io, other forges
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
