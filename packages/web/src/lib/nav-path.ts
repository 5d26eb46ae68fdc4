/** Whether a menu item is the current section: "/admin/members/42" is under Members, "/admin/memberships" is not. */
export function isActivePath(pathname: string, to: string, end = false): boolean {
  return pathname === to || (!end && pathname.startsWith(`${to}/`));
}
