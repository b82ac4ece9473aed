// YouTube through its IFrame Player API, on the privacy-enhanced domain, for the premiere of a talk
// that is only on YouTube, the livestream and the trailer. When YouTube cannot be reached (an offline
// rehearsal, a blocker, a corporate proxy, a country that blocks it) the API never loads, fails or
// reports an error: the holder's fallback card ([data-fallback]: what happened, a link to YouTube)
// takes the player's place, and the rest of the page goes on working.
const READY_WITHIN = 6000;  // ms: YouTube usually answers in one or two seconds

let api;
function loadApi() {
  api ??= new Promise((resolve, reject) => {
    window.onYouTubeIframeAPIReady = () => resolve(window.YT);
    const script = document.createElement("script");
    script.src = "https://www.youtube.com/iframe_api";
    script.onerror = () => { api = null; reject(new Error("the YouTube player API did not load")); };
    document.head.append(script);
  });
  return api;
}

// A player for `videoId` in `holder` (a .player element whose parent holds the fallback card).
// `playerVars` and `events` as YouTube's; resolves to the YT.Player once ready, or null after the
// fallback was shown.
export function youtube(holder, videoId, { playerVars = {}, events = {} } = {}) {
  const fallback = holder.parentElement.querySelector("[data-fallback]");
  const show = (failed) => {
    holder.hidden = failed;
    if (fallback) fallback.hidden = !failed;
  };
  show(false);
  const target = document.createElement("div");
  holder.replaceChildren(target);
  return new Promise((resolve) => {
    const fail = () => { clearTimeout(timer); holder.replaceChildren(); show(true); resolve(null); };
    const timer = setTimeout(fail, READY_WITHIN);
    loadApi().then((YT) => {
      new YT.Player(target, {
        host: "https://www.youtube-nocookie.com", videoId,
        playerVars: { playsinline: 1, rel: 0, modestbranding: 1, ...playerVars },
        events: {
          ...events,
          onReady: (e) => { clearTimeout(timer); events.onReady?.(e); resolve(e.target); },
          onError: fail,
        },
      });
    }, fail);
  });
}
