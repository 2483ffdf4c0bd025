/**
 * Client-side routing on real URLs (`/runs/12`): links are plain `<a href>` (keyboard and
 * middle-click work), a plain left click is turned into `history.pushState`.
 */
import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useState } from "react";

/** The current path, updated on navigation. */
export function usePath(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    window.addEventListener("popstate", update);
    return () => window.removeEventListener("popstate", update);
  }, []);
  return path;
}

/** Goes to `href` inside the dashboard without reloading the page. */
export function navigate(href: string): void {
  history.pushState(null, "", href);
  window.dispatchEvent(new PopStateEvent("popstate"));
  window.scrollTo(0, 0);
}

/** A link to a dashboard page. */
export function Link({ href, ...rest }: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return <a {...rest} href={href} onClick={onClick} />;
}
