/**
 * @module
 * The interface in English and Persian. The language follows the browser (`fa*` → Persian,
 * anything else → English) unless the reader picked one with the toggle; numbers, times and
 * dates go through `Intl`, so Persian gets Persian digits and its own calendar.
 */
import type { ErrorCode } from "../protocol";

export type Lang = "en" | "fa";

const en = {
  title: "Roomcast",
  tagline: "A real-time chatroom over WebSocket",
  name: "Name",
  room: "Room",
  join: "Join",
  leave: "Leave",
  message: "Message",
  messages: "Conversation",
  send: "Send",
  online: "Online users",
  onlineCount: "Online ({n})",
  newMessages: "New messages ↓",
  hood: "Under the hood",
  close: "Close",
  langToggle: "فارسی",
  langToggleLabel: "نمایش به فارسی",
  connecting: "Connecting…",
  statusOnline: "Online",
  // Transports (the course's history, live)
  transport: "Transport",
  transportWs: "WebSocket",
  transportSse: "Server-Sent Events",
  transportLong: "Long polling",
  transportPoll: "Polling (every 2 s)",
  fellBack:
    "WebSockets do not get through here, so this tab switched to long polling by itself; it moves back when they do.",
  statRequests: "HTTP requests",
  statBytesOut: "Bytes sent (bodies)",
  statBytesIn: "Bytes received (bodies)",
  statHeaders: "Header bytes (estimated)",
  statMessages: "Messages received",
  statDelay: "Delay, stamp to screen (median)",
  millis: "{n} ms",
  overSse: "Online over Server-Sent Events",
  overLong: "Online over long polling",
  overPoll: "Online over polling",
  reconnecting: "Connection lost ({why}). Reconnecting in {n} s…",
  joinBusy: "The room is busy; joining in {n} s…",
  reconnectingLive: "Connection lost ({why}). Reconnecting…",
  joinBusyLive: "The room is busy; joining soon…",
  retryNow: "Retry now",
  why_dropped: "the network or the server dropped it",
  why_restart: "the server restarted",
  why_heartbeat: "the heartbeat timed out",
  why_silent: "no answer to ping",
  why_timeout: "the server did not answer the handshake",
  why_slow: "this tab fell behind; catching up from where it was",
  offlineNet: "Offline: no network. Retrying when it is back.",
  replaced: "Offline: this room is open in another tab with your name.",
  useHere: "Use it here",
  replacedNotice: "This room was opened as {name} in another tab of this browser; this tab is offline.",
  openElsewhere: "This room is already open as {name} in another tab. Join under another name, or go back to that tab.",
  refusedStatus: "Offline: the room refused the connection.",
  knocking: "The room is locked. Waiting for the teacher to let you in…",
  cancelKnock: "Cancel",
  knockWaiting: "{name} is waiting",
  letIn: "Let in",
  refuseKnock: "Refuse",
  knocksCount: "{n} waiting",
  knocksLabel: "Waiting to join",
  err_knock_refused: "The teacher did not let you in. You can try again in a few minutes.",
  err_too_many_watchers: "This room has 8 watchers (projectors, race lanes) already: close one first.",
  err_no_such_knock: "That person is no longer waiting.",
  joined: "{name} joined",
  left: "{name} left",
  joinedMany: "{names} joined",
  leftMany: "{names} left",
  others: "{n} others",
  people: "{n}",
  search: "Search",
  onlineShort: "{n} online",
  typing1: "{a} is typing…",
  typing2: "{a} and {b} are typing…",
  typingMany: "Several people are typing…",
  you: "you",
  pending: "sending…",
  failed: "not sent: {why}",
  gap: "Some messages are missing here: they are older than what the room keeps.",
  resetNotice: "The room's history was reset.",
  counter: "{n} / {max}",
  emptyName: "Please enter a name.",
  // Refusals and other errors, as sentences for the form.
  err_invalid_room: "That room name is not valid: use letters, digits, - _ . (up to 64).",
  err_invalid_name:
    "That name is not valid: use letters (at least one letter or digit), digits, single spaces, - _ . (up to 32).",
  nameEmoji: "Names cannot contain emoji: use letters and digits only.",
  mixedScripts:
    "That name mixes Latin, Cyrillic or Greek letters, which can pass for someone else's: use one alphabet.",
  err_bad_request: "The connection request was malformed. Reload the page and try again.",
  err_name_taken: "That name is already in use in this room. Pick another name.",
  err_room_full: "The room is full: no one else can join now. Tell the teacher, then try again in a minute.",
  err_text_too_long: "the message is too long",
  err_empty_text: "the message is empty",
  err_invalid_text: "the message contains control characters",
  err_other: "the server refused it",
  err_removed: "The host removed you from this room.",
  err_room_locked: "This room is locked: no one new can join. Ask the host to unlock it.",
  err_host_key_invalid:
    "This device's host key is no longer valid for this room, so it was forgotten. Join as a member, or host the room again.",
  err_not_host: "Only the room's host can do that.",
  err_no_such_message: "That message is no longer there.",
  err_undo_expired: "Too late to undo: that message is gone for good.",
  err_no_such_member: "That person is no longer in the room.",
  err_cannot_remove_host: "The host cannot be removed.",
  // Teacher tools
  hostRoom: "Host this room",
  forgetHost: "Forget host key",
  hostHere: "This device hosts this room.",
  hostTaken: "This room already has a host. Join as a member, or open the host link on this device.",
  hostClaimFailed: "The room could not be claimed. Check the connection and try again.",
  imTeacher: "I'm the teacher",
  reclaim: "Take this room back",
  copyJoinLink: "Copy join link",
  joinLinkCopied: "Join link copied",
  passphrase: "Teacher passphrase",
  passphraseRequired: "This server asks for the teacher passphrase. Enter it, then press Host this room again.",
  passphraseInvalid: "That teacher passphrase is not right.",
  hostLinkInvalid: "The host link's key is not this room's. Join as a member, or ask for a new link.",
  hostForgotten: "The host key was forgotten on this device.",
  hostTools: "Host tools",
  clearRoom: "Clear room",
  clearConfirm: "Every message in {room} is deleted, for everyone. Download the transcript first to keep a copy.",
  clearTitle: "Clear the room?",
  clearSaveFirst: "Download transcript first",
  clearWithoutSaving: "Clear without saving",
  clearCancel: "Cancel",
  downloadTranscript: "Download transcript",
  transcriptSaved: "Transcript downloaded.",
  transcriptFailed: "The transcript could not be downloaded.",
  transcriptNotCleared: "The transcript could not be downloaded, so the room was not cleared.",
  slowMode: "Slow mode",
  slowNone: "Off",
  seconds: "{n} s",
  lockRoom: "Lock room",
  copyHostLink: "Copy host link",
  hostLinkCopied:
    "One-time host link copied. Open it on another device within 10 minutes to host from there; it works once.",
  oneTimeLinkUsed: "This device now hosts this room (the host link is used up).",
  oneTimeLinkInvalid: "This host link was used already or has expired. Copy a new one on the host's device.",
  hostLinkNotCopied: "The host link could not be copied here.",
  projector: "Projector",
  delete: "Delete",
  deleteLabel: "Delete message from {name}",
  deletedUndo: "Deleted",
  undo: "Undo",
  undoLabel: "Undo deleting the message from {name}",
  pin: "Pin",
  pinLabel: "Pin the message from {name} above the conversation",
  unpin: "Unpin",
  pinnedHeading: "Pinned",
  remove: "Remove",
  removeLabel: "Remove {name}",
  hostBadge: "host",
  hostEnded: "You are no longer this room's host: the room was given up, or taken back with the teacher passphrase.",
  // Issue 18: state you can see, removals you can undo, one Forget dialog
  lockedUnlock: "Locked · Unlock",
  lockedMark: "Locked",
  slowState: "Slow {n} s",
  removedCount: "Removed ({n})",
  minutesLeft: "{n} min",
  letBackIn: "Let back in",
  letBackInLabel: "Let {name} back in",
  removeTitle: "Remove from the room",
  removeAsk: "{name} leaves the room and cannot come back for a while, unless you let them back in.",
  cancel: "Cancel",
  forgetAsk:
    "Forget on this device only: another device with the host link keeps hosting {room}. Give the room up: no device hosts it any more, anyone may claim it, and a locked room is unlocked (whoever is waiting gets in).",
  forgetDeviceOnly: "Forget on this device only",
  giveUp: "Give the room up",
  err_no_such_removal: "That person is not removed any more.",
  clearedNotice: "The host cleared the room.",
  slowOn: "Slow mode is on: one message every {n} s.",
  slowOff: "Slow mode is off.",
  lockedOn: "The host locked the room: newcomers wait until the host lets them in.",
  lockedOff: "The host unlocked the room.",
  slowWait: "You can send again in {n} s",
  slowHeld: "waits for slow mode",
  slowHeldIn: "· {n} s",
  menu: "Menu",
  alone: "You are the only one here. To bring someone in, send them the join link (Copy join link, above):",
  // Under the hood
  hoodHandshake: "The handshake (HTTP, then 101)",
  hoodRequest: "Upgrade request, as the Worker received it",
  hoodResponse: "The answer",
  hoodPercentNote:
    "A URL carries only ASCII, so each UTF-8 byte of a Persian name or room travels as %XX (percent-encoding).",
  hoodAcceptNote: "Sec-WebSocket-Accept = base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11)), RFC 6455 §4.2.2",
  hoodFrames: "Frames on this socket",
  compressedNote: "permessage-deflate is on: sizes are of the JSON before compression; fewer bytes cross the wire.",
  hoodPick: "Pick one to see it whole and its path down the stack.",
  hoodStack: "One frame down the stack",
  hoodIn: "received",
  hoodOut: "sent",
  bytes: "{n} B",
  layer_json: "JSON text (UTF-8)",
  layer_websocket: "WebSocket frame header",
  layer_tcp: "TCP segment header",
  layer_ip: "IPv4 packet header",
  estimated: "estimated",
  computed: "computed",
  added: "+{n} B",
  total: "total {n} B",
  headerBytes: "Header bytes: {hex}",
  maskNote: "The browser masks every frame it sends with a random 4-byte key it does not show; this key is an example.",
  linkNote: "Then a link frame (Ethernet or Wi-Fi) and the physical signal.",
  noHandshake: "Join a room to see its handshake.",
  present: "Present",
  hoodExchange: "The latest HTTP exchange",
  hoodExchangeRequest: "Request, as the page sent it",
  hoodExchangeNote: "Secrets show as …; the browser adds headers (User-Agent, Cookie, …) the page cannot see.",
  noExchange: "No HTTP answer yet.",
  hoodBodies: "HTTP bodies, sent and received",
  hoodStackBody: "One body down the stack",
  layer_http: "HTTP headers",
  frameSize: "{n} B of JSON, {h} B of WebSocket frame header",
  bodySize: "{n} B of body, about {h} B of HTTP headers (estimated)",
  edgeHeading: "Where this connection entered the network",
  edgeColo: "Cloudflare data centre (cf.colo)",
  edgeRtt: "TCP round trip the edge measured",
  edgeRttNone: "not measured (QUIC, not TCP)",
  pageProtocol: "This page was loaded over",
  edgeLocal: "A local server: the data centre and the edge's round trip appear when deployed on Cloudflare.",
  // The projector view (its other strings are in PROJECTOR_STRINGS, below)
  pjLoadFailed: "The projector view did not load. Reload the page.",
  compareTransports: "Compare transports",
  raceLoadFailed: "Compare transports did not load. Reload the page.",
  // Issue 20: polls (on the wire `survey`)
  poll: "Poll",
  newPoll: "New poll",
  closePoll: "Close poll",
  pollQuestion: "Question",
  pollOptions: "Options",
  pollOption: "Option {n}",
  pollAddOption: "Add option",
  pollRemoveOption: "Remove option {n}",
  pollOpen: "Open poll",
  pollNeedQuestion: "Write the question.",
  pollQuestionLong: "The question is too long: 300 characters at most.",
  pollOptionLong: "That option is too long: 100 characters at most.",
  pollFewOptions: "Give at least 2 options.",
  pollManyOptions: "6 options at most.",
  pollSameOptions: "Two options are the same: make each one different.",
  pollVoted: "{n} voted",
  pollShare: "{n} · {p}%",
  pollVote: "· Vote",
  pollMine: "· ✓ ",
  pollClosed: "Poll closed",
  deletePollLabel: "Delete the poll result",
  undoPollLabel: "Undo deleting the poll result",
  err_survey_already_open: "A poll is open already: close it before opening another.",
  err_survey_closed: "That poll is closed: the vote was not counted.",
  err_survey_invalid: "The room refused the poll: check its question and options.",
  // Issue 20: questions the class upvotes
  askQuestion: "Ask as a question",
  questionPlaceholder: "Your question",
  questionMark: "Question",
  questions: "Questions",
  questionsCount: "Questions ({n} unanswered)",
  unansweredOnly: "Unanswered only",
  noQuestions: "No questions yet.",
  noUnanswered: "Every question is answered.",
  answered: "Answered",
  markAnswered: "Mark answered",
  markAnsweredLabel: "Mark the question from {name} answered",
  notAnswered: "Mark unanswered",
  notAnsweredLabel: "Mark the question from {name} not answered",
  upvoteLabel: "Upvote the question from {name} (votes: {n})",
} as const;

export type Key = keyof typeof en;

const fa: Record<Key, string> = {
  title: "رومکست",
  tagline: "گفت‌وگوی هم‌زمان با وب‌سوکت",
  name: "نام",
  room: "اتاق",
  join: "ورود",
  leave: "خروج",
  message: "پیام",
  messages: "گفت‌وگو",
  send: "ارسال",
  online: "کاربران آنلاین",
  onlineCount: "آنلاین ({n})",
  newMessages: "پیام‌های تازه ↓",
  hood: "پشت صحنه",
  close: "بستن",
  langToggle: "English",
  langToggleLabel: "Show in English",
  connecting: "در حال اتصال…",
  statusOnline: "آنلاین",
  // ترابری‌ها
  transport: "روش ارتباط",
  transportWs: "وب‌سوکت",
  transportSse: "رویدادهای سرور (Server-Sent Events)",
  transportLong: "Long polling",
  transportPoll: "Polling (هر ۲ ثانیه)",
  fellBack: "وب‌سوکت از این شبکه نمی‌گذرد، پس این زبانه خودش به long polling رفت؛ هر وقت بگذرد برمی‌گردد.",
  statRequests: "درخواست‌های HTTP",
  statBytesOut: "بایت‌های فرستاده (بدنه)",
  statBytesIn: "بایت‌های دریافتی (بدنه)",
  statHeaders: "بایت‌های سرآیند (تخمینی)",
  statMessages: "پیام‌های دریافتی",
  statDelay: "تأخیر از مُهر تا صفحه (میانه)",
  millis: "{n} میلی‌ثانیه",
  overSse: "آنلاین با رویدادهای سرور (SSE)",
  overLong: "آنلاین با long polling",
  overPoll: "آنلاین با polling",
  reconnecting: "اتصال قطع شد ({why}). اتصال دوباره تا {n} ثانیه دیگر…",
  joinBusy: "اتاق شلوغ است؛ ورود تا {n} ثانیه دیگر…",
  reconnectingLive: "اتصال قطع شد ({why}). در حال اتصال دوباره…",
  joinBusyLive: "اتاق شلوغ است؛ به‌زودی وارد می‌شوید…",
  retryNow: "همین حالا",
  why_dropped: "شبکه یا سرور آن را قطع کرد",
  why_restart: "سرور دوباره راه‌اندازی شد",
  why_heartbeat: "ضربان قلب اتصال دیر رسید",
  why_silent: "پاسخی به ping نیامد",
  why_timeout: "سرور به دست‌دادن پاسخ نداد",
  why_slow: "این زبانه عقب افتاد؛ از همان‌جا ادامه می‌دهد",
  offlineNet: "آفلاین: شبکه در دسترس نیست. با برگشتن شبکه دوباره وصل می‌شود.",
  replaced: "آفلاین: این اتاق با نام شما در زبانهٔ دیگری باز است.",
  useHere: "همین‌جا ادامه بده",
  replacedNotice: "این اتاق با نام {name} در زبانهٔ دیگری از همین مرورگر باز شد؛ این زبانه آفلاین است.",
  openElsewhere: "این اتاق با نام {name} در زبانهٔ دیگری باز است. با نام دیگری وارد شوید یا به همان زبانه برگردید.",
  refusedStatus: "آفلاین: اتاق اتصال را نپذیرفت.",
  knocking: "اتاق قفل است. منتظر بمانید تا معلم شما را راه بدهد…",
  cancelKnock: "لغو",
  knockWaiting: "{name} منتظر است",
  letIn: "راه بده",
  refuseKnock: "نپذیر",
  knocksCount: "{n} نفر منتظر",
  knocksLabel: "منتظر ورود",
  err_knock_refused: "معلم شما را راه نداد. چند دقیقهٔ دیگر دوباره امتحان کنید.",
  err_too_many_watchers: "این اتاق همین حالا ۸ تماشاگر (نمای پرده، مسیرهای مسابقه) دارد: اول یکی را ببندید.",
  err_no_such_knock: "آن شخص دیگر منتظر نیست.",
  joined: "{name} وارد شد",
  left: "{name} خارج شد",
  joinedMany: "{names} وارد شدند",
  leftMany: "{names} خارج شدند",
  others: "{n} نفر دیگر",
  people: "{n} نفر",
  search: "جست‌وجو",
  onlineShort: "{n} نفر آنلاین",
  typing1: "{a} در حال نوشتن است…",
  typing2: "{a} و {b} در حال نوشتن هستند…",
  typingMany: "چند نفر در حال نوشتن هستند…",
  you: "شما",
  pending: "در حال ارسال…",
  failed: "ارسال نشد: {why}",
  gap: "چند پیام این‌جا نیست: قدیمی‌تر از چیزی هستند که اتاق نگه می‌دارد.",
  resetNotice: "تاریخچهٔ اتاق از نو شروع شد.",
  counter: "{n} / {max}",
  emptyName: "لطفاً یک نام وارد کنید.",
  err_invalid_room: "نام اتاق معتبر نیست: حرف، رقم و - _ . (حداکثر ۶۴).",
  err_invalid_name: "نام معتبر نیست: حرف، رقم، فاصلهٔ تکی و - _ . (دست‌کم یک حرف یا رقم؛ حداکثر ۳۲).",
  nameEmoji: "نام نمی‌تواند ایموجی داشته باشد: فقط از حرف و رقم استفاده کنید.",
  mixedScripts:
    "این نام حروف لاتین، سیریلیک یا یونانی را با هم دارد و می‌تواند با نام دیگری اشتباه شود: از یک الفبا استفاده کنید.",
  err_bad_request: "درخواست اتصال نادرست بود. صفحه را دوباره بارگذاری کنید.",
  err_name_taken: "این نام در این اتاق در حال استفاده است. نام دیگری انتخاب کنید.",
  err_room_full: "اتاق پر است و الان کس دیگری نمی‌تواند وارد شود. به معلم بگویید و یک دقیقهٔ دیگر دوباره امتحان کنید.",
  err_text_too_long: "پیام بیش از حد طولانی است",
  err_empty_text: "پیام خالی است",
  err_invalid_text: "پیام نویسهٔ کنترلی دارد",
  err_other: "سرور آن را نپذیرفت",
  err_removed: "میزبان شما را از این اتاق بیرون کرد.",
  err_room_locked: "این اتاق قفل است: کسی تازه نمی‌تواند وارد شود. از میزبان بخواهید قفل را باز کند.",
  err_host_key_invalid:
    "کلید میزبانی این دستگاه دیگر برای این اتاق معتبر نیست و فراموش شد. به‌عنوان عضو وارد شوید یا دوباره میزبان اتاق شوید.",
  err_not_host: "فقط میزبان اتاق می‌تواند این کار را بکند.",
  err_no_such_message: "آن پیام دیگر وجود ندارد.",
  err_undo_expired: "برای برگرداندن دیر شده است: آن پیام برای همیشه پاک شد.",
  err_no_such_member: "آن شخص دیگر در اتاق نیست.",
  err_cannot_remove_host: "میزبان را نمی‌توان بیرون کرد.",
  hostRoom: "میزبانی این اتاق",
  forgetHost: "فراموش کردن کلید میزبانی",
  hostHere: "این دستگاه میزبان این اتاق است.",
  hostTaken: "این اتاق میزبان دارد. به‌عنوان عضو وارد شوید یا پیوند میزبانی را در این دستگاه باز کنید.",
  hostClaimFailed: "میزبانی اتاق گرفته نشد. اتصال را بررسی کنید و دوباره امتحان کنید.",
  imTeacher: "من استاد هستم",
  reclaim: "پس گرفتن این اتاق",
  copyJoinLink: "کپی پیوند ورود",
  joinLinkCopied: "پیوند ورود کپی شد",
  passphrase: "رمز استاد",
  passphraseRequired: "این سرور رمز استاد را می‌خواهد. آن را وارد کنید و دوباره «میزبانی این اتاق» را بزنید.",
  passphraseInvalid: "این رمز استاد درست نیست.",
  hostLinkInvalid: "کلید این پیوند میزبانی مال این اتاق نیست. به‌عنوان عضو وارد شوید یا پیوند تازه‌ای بخواهید.",
  hostForgotten: "کلید میزبانی در این دستگاه فراموش شد.",
  hostTools: "ابزار میزبان",
  clearRoom: "پاک کردن اتاق",
  clearConfirm: "همهٔ پیام‌های {room} برای همه پاک می‌شود. برای نگه داشتن نسخه‌ای، اول گزارش گفت‌وگو را دریافت کنید.",
  clearTitle: "اتاق پاک شود؟",
  clearSaveFirst: "اول دریافت گزارش گفت‌وگو",
  clearWithoutSaving: "پاک کردن بدون ذخیره",
  clearCancel: "انصراف",
  downloadTranscript: "دریافت گزارش گفت‌وگو",
  transcriptSaved: "گزارش گفت‌وگو دریافت شد.",
  transcriptFailed: "گزارش گفت‌وگو دریافت نشد.",
  transcriptNotCleared: "گزارش گفت‌وگو دریافت نشد، پس اتاق پاک نشد.",
  slowMode: "حالت آهسته",
  slowNone: "خاموش",
  seconds: "{n} ثانیه",
  lockRoom: "قفل اتاق",
  copyHostLink: "رونوشت پیوند میزبانی",
  hostLinkCopied:
    "پیوند یک‌بارمصرف میزبانی رونوشت شد. تا ۱۰ دقیقه آن را در دستگاه دیگری باز کنید تا از آن‌جا میزبانی کنید؛ فقط یک بار کار می‌کند.",
  oneTimeLinkUsed: "این دستگاه اکنون میزبان این اتاق است (پیوند میزبانی مصرف شد).",
  oneTimeLinkInvalid:
    "این پیوند میزبانی پیش‌تر به کار رفته یا منقضی شده است. در دستگاه میزبان پیوند تازه‌ای رونوشت کنید.",
  hostLinkNotCopied: "پیوند میزبانی این‌جا رونوشت نشد.",
  projector: "نمایشگر",
  delete: "حذف",
  deleteLabel: "حذف پیام {name}",
  deletedUndo: "حذف شد",
  undo: "برگرداندن",
  undoLabel: "برگرداندن پیام حذف‌شدهٔ {name}",
  pin: "سنجاق",
  pinLabel: "سنجاق کردن پیام {name} بالای گفت‌وگو",
  unpin: "برداشتن سنجاق",
  pinnedHeading: "سنجاق‌شده",
  remove: "بیرون کردن",
  removeLabel: "بیرون کردن {name}",
  hostBadge: "میزبان",
  hostEnded: "شما دیگر میزبان این اتاق نیستید: اتاق واگذار شد، یا با رمز معلم پس گرفته شد.",
  lockedUnlock: "قفل است · باز کردن",
  lockedMark: "قفل است",
  slowState: "آهسته {n} ثانیه",
  removedCount: "بیرون‌شده‌ها ({n})",
  minutesLeft: "{n} دقیقه",
  letBackIn: "راه دادن دوباره",
  letBackInLabel: "راه دادن دوباره به {name}",
  removeTitle: "بیرون کردن از اتاق",
  removeAsk: "{name} از اتاق بیرون می‌رود و تا مدتی نمی‌تواند برگردد، مگر این‌که دوباره راهش بدهید.",
  cancel: "انصراف",
  forgetAsk:
    "فراموشی فقط در این دستگاه: دستگاه دیگری که پیوند میزبانی دارد میزبان {room} می‌ماند. واگذاری اتاق: هیچ دستگاهی دیگر میزبان آن نیست، هر کسی می‌تواند میزبانش شود، و اگر اتاق قفل باشد باز می‌شود (هر که منتظر است وارد می‌شود).",
  forgetDeviceOnly: "فراموشی فقط در این دستگاه",
  giveUp: "واگذاری اتاق",
  err_no_such_removal: "آن شخص دیگر بیرون نیست.",
  clearedNotice: "میزبان اتاق را پاک کرد.",
  slowOn: "حالت آهسته روشن است: هر {n} ثانیه یک پیام.",
  slowOff: "حالت آهسته خاموش است.",
  lockedOn: "میزبان اتاق را قفل کرد: تازه‌واردها منتظر می‌مانند تا میزبان راهشان بدهد.",
  lockedOff: "میزبان قفل اتاق را باز کرد.",
  slowWait: "تا {n} ثانیه دیگر می‌توانید دوباره بفرستید",
  slowHeld: "در انتظار حالت آهسته",
  slowHeldIn: "· {n} ثانیه",
  menu: "منو",
  alone: "فقط شما اینجا هستید. برای آوردن کسی، پیوند ورود را برایش بفرستید (کپی پیوند ورود، بالا):",
  hoodHandshake: "دست‌دادن (HTTP و سپس 101)",
  hoodRequest: "درخواست ارتقا، همان‌طور که Worker دریافت کرد",
  hoodResponse: "پاسخ",
  hoodPercentNote:
    "نشانی (URL) فقط ASCII می‌پذیرد، پس هر بایت UTF-8 نام یا اتاق فارسی به شکل %XX می‌رود (percent-encoding).",
  hoodAcceptNote: "Sec-WebSocket-Accept = base64(SHA-1(key + 258EAFA5-E914-47DA-95CA-C5AB0DC85B11))، RFC 6455 §4.2.2",
  hoodFrames: "فریم‌های این سوکت",
  compressedNote:
    "فشرده‌سازی permessage-deflate روشن است: اندازه‌ها مال JSON پیش از فشرده‌سازی‌اند و بایت‌های کمتری از سیم می‌گذرند.",
  hoodPick: "یکی را انتخاب کنید تا کاملش و مسیرش را در پشته ببینید.",
  hoodStack: "یک فریم در پشتهٔ پروتکل",
  hoodIn: "دریافتی",
  hoodOut: "ارسالی",
  bytes: "{n} بایت",
  layer_json: "متن JSON (UTF-8)",
  layer_websocket: "سرآیند فریم وب‌سوکت",
  layer_tcp: "سرآیند سگمنت TCP",
  layer_ip: "سرآیند بستهٔ IPv4",
  estimated: "تخمینی",
  computed: "محاسبه‌شده",
  added: "+{n} بایت",
  total: "جمع {n} بایت",
  headerBytes: "بایت‌های سرآیند: {hex}",
  maskNote: "مرورگر هر فریم ارسالی را با کلید تصادفی ۴ بایتی ماسک می‌کند و آن را نشان نمی‌دهد؛ این کلید نمونه است.",
  linkNote: "سپس فریم لایهٔ پیوند (اترنت یا وای‌فای) و سیگنال فیزیکی.",
  noHandshake: "برای دیدن دست‌دادن، وارد یک اتاق شوید.",
  present: "ارائه",
  hoodExchange: "آخرین تبادل HTTP",
  hoodExchangeRequest: "درخواست، همان‌طور که صفحه فرستاد",
  hoodExchangeNote:
    "رازها به شکل … نشان داده می‌شوند؛ مرورگر سرآیندهایی می‌افزاید (User-Agent، Cookie، …) که صفحه نمی‌بیند.",
  noExchange: "هنوز پاسخی از HTTP نرسیده است.",
  hoodBodies: "بدنه‌های HTTP، ارسالی و دریافتی",
  hoodStackBody: "یک بدنه در پشتهٔ پروتکل",
  layer_http: "سرآیندهای HTTP",
  frameSize: "{n} بایت JSON، {h} بایت سرآیند فریم وب‌سوکت",
  bodySize: "{n} بایت بدنه، حدود {h} بایت سرآیند HTTP (تخمینی)",
  edgeHeading: "جایی که این اتصال وارد شبکه شد",
  edgeColo: "مرکز دادهٔ Cloudflare (cf.colo)",
  edgeRtt: "زمان رفت‌وبرگشت TCP به اندازه‌گیری لبهٔ شبکه",
  edgeRttNone: "اندازه‌گیری نشد (QUIC، نه TCP)",
  pageProtocol: "این صفحه با این پروتکل بارگذاری شد",
  edgeLocal: "سرور محلی است: مرکز داده و رفت‌وبرگشت لبه پس از استقرار روی Cloudflare نمایش داده می‌شوند.",
  pjLoadFailed: "نمای پرده بارگذاری نشد. صفحه را دوباره بارگذاری کنید.",
  compareTransports: "مقایسهٔ روش‌های انتقال",
  raceLoadFailed: "مقایسهٔ روش‌های انتقال بارگذاری نشد. صفحه را دوباره بارگذاری کنید.",
  poll: "نظرسنجی",
  newPoll: "نظرسنجی تازه",
  closePoll: "بستن نظرسنجی",
  pollQuestion: "پرسش",
  pollOptions: "گزینه‌ها",
  pollOption: "گزینهٔ {n}",
  pollAddOption: "افزودن گزینه",
  pollRemoveOption: "حذف گزینهٔ {n}",
  pollOpen: "شروع نظرسنجی",
  pollNeedQuestion: "پرسش را بنویسید.",
  pollQuestionLong: "پرسش بیش از اندازه بلند است: حداکثر ۳۰۰ نویسه.",
  pollOptionLong: "این گزینه بیش از اندازه بلند است: حداکثر ۱۰۰ نویسه.",
  pollFewOptions: "دست‌کم ۲ گزینه بنویسید.",
  pollManyOptions: "حداکثر ۶ گزینه.",
  pollSameOptions: "دو گزینه یکی هستند: هر گزینه باید با بقیه فرق کند.",
  pollVoted: "{n} نفر رأی دادند",
  // Not "۱ · ۰٪": the Persian zero is a dot itself.
  pollShare: "{p}٪ ({n})",
  pollVote: "— رأی بدهید",
  pollMine: "— ✓ ",
  pollClosed: "نظرسنجی بسته شد",
  deletePollLabel: "حذف نتیجهٔ نظرسنجی",
  undoPollLabel: "بازگرداندن نتیجهٔ نظرسنجی",
  err_survey_already_open: "یک نظرسنجی باز است: پیش از شروع نظرسنجی دیگر آن را ببندید.",
  err_survey_closed: "این نظرسنجی بسته شده است: رأی شمرده نشد.",
  err_survey_invalid: "اتاق نظرسنجی را نپذیرفت: پرسش و گزینه‌هایش را بررسی کنید.",
  askQuestion: "فرستادن به‌عنوان پرسش",
  questionPlaceholder: "پرسش شما",
  questionMark: "پرسش",
  questions: "پرسش‌ها",
  questionsCount: "پرسش‌ها ({n} بی‌پاسخ)",
  unansweredOnly: "فقط بی‌پاسخ‌ها",
  noQuestions: "هنوز پرسشی نیامده است.",
  noUnanswered: "به همهٔ پرسش‌ها پاسخ داده شده است.",
  answered: "پاسخ داده شد",
  markAnswered: "پاسخ دادم",
  markAnsweredLabel: "پرسش {name} را پاسخ‌داده علامت بزن",
  notAnswered: "بی‌پاسخ علامت بزن",
  notAnsweredLabel: "پرسش {name} را بی‌پاسخ علامت بزن",
  upvoteLabel: "رأی به پرسش {name} (رأی‌ها: {n})",
};

const STRINGS: Record<Lang, Record<Key, string>> = { en, fa };

const projectorEn = {
  title: "Projector",
  scan: "Scan to join",
  qr: "Join link QR code",
  online: "{n} online",
  counting: "Counting who is online…",
  messages: "Latest messages",
  empty: "No messages yet.",
  host: "host",
  pinned: "Pinned",
  keyInvalid:
    "This host key is not this room's, so no messages are shown. Open the projector from the host's page again.",
  onlyHere: "Phones cannot open this link: it points at this computer itself.",
  useInstead: "Open the projector at an address of this computer on the class's network instead:",
  noAddresses: "Start the server with npm run serve -- --ip 0.0.0.0 and open the address it prints, or set PUBLIC_URL.",
  fullscreen: "Full screen",
  exitFullscreen: "Exit full screen",
  poll: "Poll",
  pollResult: "Poll result",
  voted: "{n} voted",
  share: "{n} · {p}%",
  questions: "Top questions",
  vote1: "{n} vote",
  votes: "{n} votes",
} as const;
export type ProjectorKey = keyof typeof projectorEn;

/**
 * The projector view's strings (`/?room=demo&view=projector`), apart from the table above so that
 * only public/projector.js bundles them: app.js stays inside its size budget.
 */
export const PROJECTOR_STRINGS: Record<Lang, Record<ProjectorKey, string>> = {
  en: projectorEn,
  fa: {
    title: "نمایش روی پرده",
    scan: "برای ورود اسکن کنید",
    qr: "کد QR پیوند ورود",
    online: "{n} نفر آنلاین",
    counting: "در حال شمارش افراد آنلاین…",
    messages: "آخرین پیام‌ها",
    empty: "هنوز پیامی نیامده است.",
    host: "میزبان",
    pinned: "سنجاق‌شده",
    keyInvalid:
      "این کلید میزبان مال این اتاق نیست، پس پیامی نمایش داده نمی‌شود. نمایش را دوباره از صفحهٔ میزبان باز کنید.",
    onlyHere: "گوشی‌ها این پیوند را باز نمی‌کنند: به خودِ همین رایانه اشاره می‌کند.",
    useInstead: "به‌جای آن، نمای پرده را با یکی از نشانی‌های این رایانه در شبکهٔ کلاس باز کنید:",
    noAddresses:
      "سرور را با npm run serve -- --ip 0.0.0.0 اجرا کنید و نشانی‌ای را که چاپ می‌کند باز کنید، یا PUBLIC_URL را تنظیم کنید.",
    fullscreen: "تمام‌صفحه",
    exitFullscreen: "خروج از تمام‌صفحه",
    poll: "نظرسنجی",
    pollResult: "نتیجهٔ نظرسنجی",
    voted: "{n} نفر رأی دادند",
    share: "{p}٪ ({n})",
    questions: "پرسش‌های برتر",
    vote1: "{n} رأی",
    votes: "{n} رأی",
  },
};

/** A projector string in the reader's language, with `{n}` in its digits. */
export const projectorText = (i18n: I18n, key: ProjectorKey, n = 0): string =>
  PROJECTOR_STRINGS[i18n.lang][key].replace("{n}", i18n.num(n));

export function detectLang(stored: string | null, browser: readonly string[]): Lang {
  if (stored === "en" || stored === "fa") return stored;
  return browser[0]?.toLowerCase().startsWith("fa") ? "fa" : "en";
}

/**
 * Intl formatters by locale and options: building one costs far more than formatting with it,
 * and a class's log formats a time (and the counts a number) for every message.
 */
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function kept<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  const known = formatters.get(key) as F | undefined;
  if (known !== undefined) return known;
  const made = make();
  formatters.set(key, made);
  return made;
}
const numberFormat = (locale: string, digits: number) =>
  kept(`n ${locale} ${digits}`, () => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }));
const dateFormat = (locale: string, options: Intl.DateTimeFormatOptions) =>
  kept(`d ${locale} ${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options));

export class I18n {
  constructor(public lang: Lang) {}

  get locale(): string {
    return this.lang === "fa" ? "fa-IR" : "en-GB";
  }

  num(n: number, digits = 0): string {
    return numberFormat(this.locale, digits).format(n);
  }

  /** A string with `{x}` filled in; numbers get this language's digits. */
  t(key: Key, vars: Record<string, string | number> = {}): string {
    return STRINGS[this.lang][key].replace(/\{(\w+)\}/g, (_, k: string) => {
      const v = vars[k];
      return typeof v === "number" ? this.num(v, 1) : (v ?? "");
    });
  }

  /** The string with its `{x}` placeholders left in (for names that need their own element). */
  raw(key: Key): string {
    return STRINGS[this.lang][key];
  }

  /** Local time of day, hours and minutes. */
  time(ts: number): string {
    return dateFormat(this.locale, { hour: "2-digit", minute: "2-digit" }).format(ts);
  }

  /** Local time with seconds (the frame list). */
  clock(ts: number): string {
    return dateFormat(this.locale, { hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(ts);
  }

  date(ts: number): string {
    const day = { year: "numeric", month: "long", day: "numeric" } as const;
    // ICU's fa pattern comes out as "۱۴۰۵ آذر ۴, چهارشنبه" (a Latin comma, year first): Persian
    // writes the weekday first and no comma, "چهارشنبه ۴ آذر ۱۴۰۵", as CLDR's full date does.
    if (this.lang === "fa") {
      const weekday = dateFormat(this.locale, { weekday: "long" }).format(ts);
      return `${weekday} ${dateFormat(this.locale, day).format(ts)}`;
    }
    return dateFormat(this.locale, { weekday: "long", ...day }).format(ts);
  }

  /** A readable sentence for an error code (refusals and message errors). */
  error(code: ErrorCode): string {
    return this.t(errorKey(code));
  }
}

/** The string key of an error code's sentence (`err_other` for a code the page has no words for). */
export function errorKey(code: ErrorCode): Key {
  const key = `err_${code}` as Key;
  return key in en ? key : "err_other";
}

/** Local calendar day of a timestamp, for date separators. */
export const dayKey = (ts: number): string => {
  const d = new Date(ts);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
};
