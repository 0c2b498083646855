// Splits an absolute path into clickable breadcrumb segments, for POSIX
// ("/a/b") and Windows ("C:\a\b") paths alike.
export interface PathSegment {
  name: string;
  path: string;
}

export function pathSegments(path: string): PathSegment[] {
  const sep = path.includes('\\') && !path.includes('/') ? '\\' : '/';
  const parts = path.split(sep).filter((p) => p.length > 0);
  const out: PathSegment[] = [];
  let acc = '';
  if (sep === '/') {
    out.push({ name: '/', path: '/' });
    for (const p of parts) {
      acc += `/${p}`;
      out.push({ name: p, path: acc });
    }
    return out;
  }
  for (const [i, p] of parts.entries()) {
    acc = i === 0 ? `${p}\\` : `${acc}${acc.endsWith('\\') ? '' : '\\'}${p}`;
    out.push({ name: i === 0 ? `${p}\\` : p, path: acc });
  }
  return out;
}
