// proxy-from-env 2 ships no types: the one function we use. '' means "no proxy for this URL" (NO_PROXY).
declare module 'proxy-from-env' {
  export function getProxyForUrl(url: string | URL): string;
}
