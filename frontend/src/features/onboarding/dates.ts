const DAY = 86_400_000;

function startOfLocalDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

/** Whole calendar days from `now` to `date` in the viewer's time zone (negative when past). */
export function daysUntil(date: Date, now: Date): number {
  return Math.round((startOfLocalDay(date) - startOfLocalDay(now)) / DAY);
}

export function relativeDays(days: number): string {
  if (days === 0) return 'today';
  if (days === 1) return 'tomorrow';
  if (days === -1) return 'yesterday';
  if (days > 0) return `in ${String(days)} days`;
  return `${String(-days)} days ago`;
}

export function formatDate(date: Date): string {
  return new Intl.DateTimeFormat('en-US', { month: 'long', day: 'numeric', year: 'numeric' }).format(date);
}

export interface DeadlineText {
  date: string;
  relative: string;
  days: number;
  past: boolean;
  iso: string;
}

export function describeDeadline(deadline: string | null | undefined, now: Date): DeadlineText | null {
  if (!deadline) return null;
  const date = new Date(deadline);
  if (Number.isNaN(date.getTime())) return null;
  const days = daysUntil(date, now);
  return {
    date: formatDate(date),
    relative: relativeDays(days),
    days,
    past: date.getTime() < now.getTime(),
    iso: date.toISOString(),
  };
}

export function timeAgo(iso: string | null | undefined, now: Date): string | null {
  if (!iso) return null;
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return null;
  const seconds = Math.max(0, Math.round((now.getTime() - t) / 1000));
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute ago' : `${String(minutes)} minutes ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return hours === 1 ? '1 hour ago' : `${String(hours)} hours ago`;
  return formatDate(new Date(t));
}
