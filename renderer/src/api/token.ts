// Server mode hands the access token to the page once, in the URL it prints
// (?token=…). We keep it for this tab in sessionStorage and take it out of the
// visible URL so it is not left in screenshots, history or bookmarks.
const STORAGE_KEY = 'studio.token';

export function takeTokenFromUrl(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    // A token in the URL always wins: the core may have restarted with a new one.
    sessionStorage.setItem(STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return sessionStorage.getItem(STORAGE_KEY);
}
