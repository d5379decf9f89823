/**
 * @module
 * The link a phone opens to join a room: one function for the projector's QR code and its text,
 * and everyone's **Copy join link**. Never the host's link: it carries no key.
 */
export const joinLink = (origin: string, room: string): string => `${origin}/?room=${encodeURIComponent(room)}`;
