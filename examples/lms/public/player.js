// Attaches the lesson's signed media link to the <video>. MP4 lessons already
// carry it in src; HLS lessons go through hls.js (served by this app), or the
// browser's native HLS where hls.js/MediaSource is unavailable (Safari on iOS).
(function () {
  'use strict';
  var video = document.getElementById('player');
  var status = document.getElementById('player-status');
  if (!video) return;

  function say(text) {
    if (status) status.textContent = text;
  }
  var EXPIRED = 'The edge turned this link down: it has probably expired. Reload the page for a fresh one.';

  video.addEventListener('error', function () { say(EXPIRED); });

  var hlsSrc = video.getAttribute('data-hls-src');
  if (hlsSrc) {
    if (window.Hls && window.Hls.isSupported()) {
      var hls = new window.Hls({ enableWorker: true });
      hls.on(window.Hls.Events.ERROR, function (_event, data) {
        if (data && data.fatal) say(EXPIRED);
      });
      hls.loadSource(hlsSrc);
      hls.attachMedia(video);
      window.__lmsHls = hls;
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = hlsSrc;
    } else {
      say('This browser cannot play HLS.');
    }
  }

  // Show the link's remaining lifetime next to its expiry time.
  var expiry = document.querySelector('[data-expires]');
  if (expiry) {
    var expires = Number(expiry.getAttribute('data-expires')) * 1000;
    var base = expiry.textContent;
    var tick = function () {
      var left = Math.round((expires - Date.now()) / 1000);
      expiry.textContent = base + (left > 0 ? ' (in ' + Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0') + ')' : ' (expired)');
    };
    tick();
    setInterval(tick, 1000);
  }
})();
