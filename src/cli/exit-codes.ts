/** Exit codes of the `feedagg` command (DESIGN.md "CLI"). */
export const EXIT = {
  ok: 0,
  fatal: 1,
  usage: 2,
  someSourcesFailed: 3,
} as const;
