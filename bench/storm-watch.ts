/**
 * @module
 * What one socket saw of a vote storm (`vote-storm`, bench/vote-storm.ts): the payloads, frames
 * and bytes that reached it while the storm was measured, the counts it holds (merged as the page
 * merges them: a `survey` frame replaces the poll's counts, a `votes` frame updates the questions
 * it names), and when those first equalled the final tally, i.e. when its page showed the result.
 */
import type { ServerFrame } from "../src/protocol";

export type StormKind = "survey" | "questions";

/** What a storm is about, as one socket knows it. */
export interface StormTarget {
  kind: StormKind;
  /** `survey`: the open poll's id. */
  survey?: string;
  /** `questions`: the questions' seqs, in the order `final` counts them. */
  seqs?: number[];
  /** The tally once every vote is counted: per option, or per question. */
  final: number[];
}

/** One socket's figures, for IPC. */
export interface SocketStorm {
  name: string;
  host: boolean;
  payloads: number;
  frames: number;
  bytes: number;
  errors: number;
  /** Epoch ms when its counts first equalled the final tally; null: never, within the storm's deadline. */
  finalAt: number | null;
}

export class StormWatch {
  payloads = 0;
  frames = 0;
  bytes = 0;
  errors = 0;
  finalAt: number | null = null;
  private readonly counts: number[];

  constructor(private readonly target: StormTarget) {
    this.counts = target.final.map(() => 0);
  }

  payload(bytes: number): void {
    this.payloads++;
    this.bytes += bytes;
  }

  frame(f: ServerFrame, at: number): void {
    this.frames++;
    const { kind, survey, seqs = [], final } = this.target;
    if (f.type === "error") this.errors++;
    else if (f.type === "survey" && kind === "survey" && f.id === survey) {
      f.counts.forEach((n, i) => {
        this.counts[i] = n;
      });
    } else if (f.type === "votes" && kind === "questions") {
      for (const [seq, n] of Object.entries(f.counts)) {
        const i = seqs.indexOf(Number(seq));
        if (i >= 0) this.counts[i] = n;
      }
    } else return;
    if (this.finalAt === null && final.every((n, i) => this.counts[i] === n)) this.finalAt = at;
  }

  result(name: string, host: boolean): SocketStorm {
    const { payloads, frames, bytes, errors, finalAt } = this;
    return { name, host, payloads, frames, bytes, errors, finalAt };
  }
}
