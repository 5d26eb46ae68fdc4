import type { ReactNode } from 'react';

/**
 * A wide table that scrolls sideways on a narrow screen instead of squeezing its columns. The
 * scrolling area takes the focus (Tab) so the keyboard can scroll it with the arrow keys, and is
 * a region named after the table so a screen reader says what it is.
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take the focus for the keyboard to scroll it (WCAG 2.1.1)
    <section className="table-scroll" tabIndex={0} aria-label={label}>
      {children}
    </section>
  );
}
