/**
 * @module
 * The votes this page sent lately. The room's rate limit drops a frame and says `rate_limited`
 * without naming it (at most once a second), so a student tapping an upvote fast may lose a vote
 * that the page already shows. A vote states its end (up, or not), so sending it again counts
 * once: after `rate_limited` each recent question's latest vote goes again. Pure logic, tested
 * without a DOM.
 */
export interface SentVote {
  seq: number;
  up: boolean;
}

export class RecentVotes {
  /** By question, oldest first: its latest vote and when it went. */
  private readonly votes = new Map<number, SentVote & { at: number }>();

  /** `keepMs`: how far back a drop may lie that the room has not reported yet. */
  constructor(private readonly keepMs: number) {}

  sent(seq: number, up: boolean, now: number): void {
    this.votes.delete(seq);
    this.votes.set(seq, { seq, up, at: now });
    this.forget(now);
  }

  /** What to send again now: each question's latest vote within `keepMs`. */
  again(now: number): SentVote[] {
    this.forget(now);
    return [...this.votes.values()].map(({ seq, up }) => ({ seq, up }));
  }

  private forget(now: number): void {
    for (const [seq, v] of this.votes) {
      if (now - v.at <= this.keepMs) break;
      this.votes.delete(seq);
    }
  }
}
