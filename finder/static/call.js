// The call screen: every change is saved on its own as it happens, nothing typed is ever
// dropped, and the whole checklist can be worked with the keyboard.
//
// Saving: each changed field goes into a queue that is sent one small request at a time.
// A field leaves the queue only when the server confirms it. Until then it is kept in this
// page and in localStorage (so even a closed tab keeps it), and retried with growing pauses,
// with a warning that stays on screen. Each field carries the revision this page last saw,
// so an answer changed meanwhile in another tab comes back as a conflict to resolve, never
// as a silent overwrite. Without JavaScript the form still posts as a whole.
(function () {
  "use strict";

  var statusBox = document.getElementById("save-status");
  var form = document.getElementById("interview-form");
  if (!statusBox || !form) { return; }

  var statusText = document.getElementById("save-status-text");
  var warning = document.getElementById("save-warning");
  var stateInput = document.getElementById("form-state");
  var saveUrl = statusBox.getAttribute("data-save-url");
  var storageKey = "finder-unsaved-call-" + statusBox.getAttribute("data-call-id");
  var state = JSON.parse(stateInput.value);       // field name -> [revision, fingerprint]
  var csrfToken = form.querySelector("input[name=csrf_token]").value;
  var queue = [];                                 // field names waiting, oldest first
  var waiting = {};                               // field name -> {value, rev}
  var sending = null;
  var retryPause = 0;
  var retryTimer = null;
  var typingTimers = {};
  var finishing = null;                           // the submit button to press once saved

  // -- reading and writing field values ---------------------------------------------------

  function inputsNamed(name) {
    return Array.prototype.slice.call(form.querySelectorAll("[name='" + name + "']"));
  }

  function readValue(name) {
    var inputs = inputsNamed(name);
    var first = inputs[0];
    if (!first) { return null; }
    if (first.type === "radio") {
      var checked = inputs.filter(function (i) { return i.checked; })[0];
      return checked ? checked.value : "";
    }
    if (first.type === "checkbox" && inputs.length === 1 && first.value === "y") {
      return first.checked;
    }
    if (first.type === "checkbox") {
      return inputs.filter(function (i) { return i.checked; })
        .map(function (i) { return i.value; }).sort();
    }
    return first.value;
  }

  function writeValue(name, value) {
    inputsNamed(name).forEach(function (input) {
      if (input.type === "radio") { input.checked = input.value === value; }
      else if (input.type === "checkbox" && typeof value === "boolean") { input.checked = value; }
      else if (input.type === "checkbox") { input.checked = value.indexOf(input.value) !== -1; }
      else { input.value = value; }
    });
  }

  function describe(value) {
    if (value === true) { return "ticked"; }
    if (value === false) { return "not ticked"; }
    if (Array.isArray(value)) { return value.length ? value.join(", ") : "none"; }
    return value === "" ? "(empty)" : "“" + value + "”";
  }

  // -- the queue --------------------------------------------------------------------------

  function remember() {
    try {
      if (queue.length) { localStorage.setItem(storageKey, JSON.stringify(waiting)); }
      else { localStorage.removeItem(storageKey); }
    } catch (ignored) { /* private mode: the page itself still keeps everything */ }
  }

  function enqueue(name) {
    if (!state[name]) { return; }
    clearTimeout(typingTimers[name]);
    waiting[name] = {value: readValue(name), rev: state[name][0]};
    if (queue.indexOf(name) === -1) { queue.push(name); }
    remember();
    showProgress();
    sendNext();
  }

  function sendNext() {
    if (sending || retryTimer || !queue.length) { return; }
    var name = queue[0];
    var item = waiting[name];
    sending = name;
    fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken},
      body: JSON.stringify({name: name, value: item.value, rev: item.rev})
    }).then(function (response) {
      return response.json().then(function (body) { return {status: response.status, body: body}; },
                                  function () { return {status: response.status, body: {}}; });
    }).then(function (reply) {
      sending = null;
      handleReply(name, item, reply.status, reply.body);
    }, function () {
      sending = null;
      failed("finder cannot be reached.");
    });
  }

  function handleReply(name, item, status, body) {
    if (status === 200) { return confirmed(name, item, body); }
    if (status === 409) { return conflicted(name, body); }
    if (status === 400 && body.error === "expired_token" && body.csrf_token) {
      csrfToken = body.csrf_token;
      return sendNext();
    }
    if (status === 400 && body.error === "invalid") { return rejected(name, body.message); }
    if (status === 404) {
      return failed("This call is no longer here (it may have been removed). " +
                    "Copy anything you need from this page.", true);
    }
    failed(body.message || "finder could not save (error " + status + ").");
  }

  function confirmed(name, item, body) {
    state[name][0] = body.rev;
    stateInput.value = JSON.stringify(state);
    retryPause = 0;
    if (waiting[name] === item || sameValue(waiting[name].value, item.value)) {
      delete waiting[name];
      queue.splice(queue.indexOf(name), 1);
    } else {
      waiting[name].rev = body.rev;               // typed more while it was on its way
    }
    clearMark(name);
    remember();
    if (body.standing) { showStanding(body.standing); }
    if (!queue.length) {
      warning.hidden = true;
      statusBox.classList.remove("save-status--error");
      statusText.textContent = "All answers saved at " + clock() + ".";
      if (finishing) { var button = finishing; finishing = null; submitFor(button); }
    }
    sendNext();
  }

  function conflicted(name, body) {
    queue.splice(queue.indexOf(name), 1);
    var mine = waiting[name].value;
    delete waiting[name];
    remember();
    state[name][0] = body.rev;
    stateInput.value = JSON.stringify(state);
    markField(name, "conflict",
      "Another tab or window saved " + describe(body.value) + " here. Yours is " +
      describe(mine) + ".",
      [["Keep mine", function () { writeValue(name, mine); enqueue(name); }],
       ["Use theirs", function () { writeValue(name, body.value); clearMark(name); }]]);
    statusText.textContent = "One answer was changed elsewhere: choose which to keep.";
    sendNext();
  }

  function rejected(name, message) {
    queue.splice(queue.indexOf(name), 1);
    delete waiting[name];
    remember();
    markField(name, "field-errors", "Not saved: " + message, []);
    finishing = null;  // the call is not ended while an answer is refused
    statusText.textContent = "One answer was not saved: see the message beside it.";
    sendNext();
  }

  function failed(message, permanent) {
    statusBox.classList.add("save-status--error");
    var count = queue.length;
    warning.hidden = false;
    if (permanent) { warning.textContent = message; return; }
    retryPause = Math.min(retryPause ? retryPause * 2 : 1, 15);
    warning.textContent = "Not saved yet: " + message + " " + count + " change" +
      (count === 1 ? " is" : "s are") + " kept on this page and will be sent as soon as " +
      "finder answers. Keep this page open. Trying again in " + retryPause + " s.";
    statusText.textContent = "Waiting to save " + count + " change" + (count === 1 ? "" : "s") + ".";
    retryTimer = setTimeout(function () { retryTimer = null; sendNext(); }, retryPause * 1000);
  }

  function sameValue(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  function clock() {
    var now = new Date();
    return String(now.getHours()).padStart(2, "0") + ":" + String(now.getMinutes()).padStart(2, "0");
  }

  function showProgress() {
    if (!retryTimer) { statusText.textContent = "Saving…"; }
  }

  // The line at the top says, after every save, what the verdict is and what is still
  // open, in the words the server used for the page.
  function showStanding(standing) {
    var label = document.getElementById("live-verdict-label");
    if (label) { label.textContent = standing.verdict_label; }
    var score = document.getElementById("live-verdict-score");
    if (score) { score.textContent = standing.score; }
    var asked = document.getElementById("live-verdict-asked");
    if (asked && typeof standing.asked_words === "string") { asked.textContent = standing.asked_words; }
    var flags = document.getElementById("live-verdict-flags");
    if (flags && typeof standing.red_flags === "number") {
      flags.textContent = standing.red_flags ?
        standing.red_flags + " red flag" + (standing.red_flags === 1 ? "" : "s") : "no red flags yet";
    }
  }

  // Each folded group of practical questions counts its answers ("2 of 6 answered"): one
  // given on this call, or known from an earlier one.
  function countPracticalAnswers() {
    Array.prototype.forEach.call(form.querySelectorAll(".practical-group"), function (group) {
      var count = group.querySelector(".practical-group__count");
      if (!count) { return; }
      var questions = group.querySelectorAll(".practical");
      var answered = Array.prototype.filter.call(questions, function (question) {
        if (question.getAttribute("data-known") === "yes") { return true; }
        var input = question.querySelector("[name^='practical-']");
        var value = input && readValue(input.name);
        return Array.isArray(value) ? value.length > 0 : Boolean(value);
      }).length;
      count.textContent = answered + " of " + questions.length + " answered";
    });
  }

  // A red flag's "What was said" stays open while it holds words, even when unticked.
  function markNotedFlag(target) {
    var flag = target.closest(".flag");
    if (flag && target.tagName === "TEXTAREA") {
      flag.classList.toggle("flag--noted", target.value.trim() !== "");
    }
  }

  // -- messages beside a field ----------------------------------------------------------------

  function fieldBox(name) {
    var input = inputsNamed(name)[0];
    return input && (input.closest(".field") || input.parentNode);
  }

  function clearMark(name) {
    var box = fieldBox(name);
    var old = box && box.querySelector(".live-mark");
    if (old) { old.parentNode.removeChild(old); }
  }

  function markField(name, className, text, buttons) {
    clearMark(name);
    var box = fieldBox(name);
    if (!box) { return; }
    var mark = document.createElement("div");
    mark.className = "live-mark " + className;
    mark.setAttribute("role", "alert");
    var paragraph = document.createElement("p");
    paragraph.textContent = text;
    mark.appendChild(paragraph);
    buttons.forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button button--small";
      button.textContent = pair[0];
      button.addEventListener("click", function () { clearMark(name); pair[1](); });
      mark.appendChild(button);
    });
    box.appendChild(mark);
  }

  // -- listening for changes ---------------------------------------------------------------

  form.addEventListener("change", function (event) {
    var name = event.target.name;
    if (name && state[name]) { enqueue(name); }
    var question = event.target.closest(".question");
    var open = question && name && name.indexOf("answer-") === 0 && question.querySelector(".still-open");
    if (open) { open.hidden = true; }
    if (name && name.indexOf("practical-") === 0) { countPracticalAnswers(); }
  });

  form.addEventListener("input", function (event) {
    var target = event.target;
    markNotedFlag(target);
    if (target.name && target.name.indexOf("practical-") === 0) { countPracticalAnswers(); }
    if (!target.name || !state[target.name] || target.getAttribute("data-autosave") !== "input") { return; }
    clearTimeout(typingTimers[target.name]);
    typingTimers[target.name] = setTimeout(function () { enqueue(target.name); }, 700);
  });

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    Object.keys(typingTimers).forEach(function (name) {
      clearTimeout(typingTimers[name]);
      if (readValue(name) !== null && !waiting[name]) { enqueue(name); }
    });
    if (!queue.length && button && button.hasAttribute("formaction")) { return; }  // end the call
    event.preventDefault();
    if (!queue.length) {
      statusText.textContent = "All answers saved at " + clock() + ".";
      return;
    }
    if (button && button.hasAttribute("formaction")) { finishing = button; }
    statusText.textContent = "Saving…";
  });

  // Ends the call once everything is saved. form.submit() fires no submit event, so this
  // does not come back through the listener above.
  function submitFor(button) {
    form.action = button.getAttribute("formaction");
    form.submit();
  }

  window.addEventListener("beforeunload", function (event) {
    if (queue.length) { event.preventDefault(); event.returnValue = ""; }
  });

  // Anything left unsaved by an earlier visit to this page is put back and sent again.
  (function restoreUnsaved() {
    var saved;
    try { saved = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (ignored) { saved = null; }
    if (!saved) { return; }
    Object.keys(saved).forEach(function (name) {
      if (!state[name]) { return; }
      writeValue(name, saved[name].value);
      waiting[name] = {value: saved[name].value, rev: saved[name].rev};
      queue.push(name);
    });
    if (queue.length) {
      statusText.textContent = "Sending " + queue.length + " change" + (queue.length === 1 ? "" : "s") +
        " kept from before…";
      sendNext();
    }
  }());

  // -- keyboard ----------------------------------------------------------------------------

  var stops = Array.prototype.slice.call(
    document.querySelectorAll(".question, #red-flags, #practical, #end-call"));
  var endStop = stops.indexOf(document.getElementById("end-call"));
  var current = -1;  // before the first question: the first J goes to question 1

  function stopIndexOf(element) {
    for (var i = 0; i < stops.length; i += 1) { if (stops[i].contains(element)) { return i; } }
    return -1;
  }

  // On screen: not in a folded details element (whose content Chromium keeps laid out but
  // hidden, so only checkVisibility tells), nor hidden.
  function shown(element) {
    if (element.checkVisibility) { return element.checkVisibility(); }
    return element.getClientRects().length > 0;
  }

  // The control a stop starts at: its chosen answer, else its first control on screen (in
  // a folded group, the line that opens it).
  function firstControl(stop) {
    var first = function (selector) {
      return Array.prototype.filter.call(stop.querySelectorAll(selector), shown)[0];
    };
    return first("input:checked") || first("input, textarea, select") || first("summary");
  }

  function goTo(index) {
    current = Math.max(0, Math.min(stops.length - 1, index));
    var stop = stops[Math.max(current, 0)];
    var target = firstControl(stop);
    stop.scrollIntoView({block: "start"});
    (target || stop).focus({preventScroll: true});
  }

  // "End the call" in the bar at the top (and the E key) goes to how the call ended.
  var endLink = document.getElementById("go-to-end");
  if (endLink && endStop !== -1) {
    endLink.addEventListener("click", function (event) {
      event.preventDefault();
      goTo(endStop);
    });
  }

  // Notes for the stop in view; a folded note box is opened first.
  function focusNotes(stop) {
    var notes = stop.querySelector("textarea");
    if (!notes) { return false; }
    for (var folded = notes.closest("details"); folded; folded = folded.parentNode.closest("details")) {
      folded.open = true;
    }
    notes.focus();
    return true;
  }

  function isTyping(element) {
    return element.matches("textarea, select, input:not([type=radio]):not([type=checkbox])");
  }

  document.addEventListener("focusin", function (event) {
    var index = stopIndexOf(event.target);
    if (index !== -1) { current = index; }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (isTyping(target)) {
      if (event.key === "Escape") {
        event.preventDefault();
        var index = stopIndexOf(target);
        if (index !== -1) { goTo(index); }
      }
      return;
    }
    var key = event.key.toLowerCase();
    var stop = stops[Math.max(current, 0)];
    if (/^[1-9]$/.test(key) && stop && stop.classList.contains("question")) {
      var options = stop.querySelectorAll("input[type=radio][name^='answer-']");
      var option = options[Number(key) - 1];
      if (option) {
        event.preventDefault();
        option.checked = true;
        option.focus();
        option.dispatchEvent(new Event("change", {bubbles: true}));
      }
    } else if (key === "j") {
      event.preventDefault(); goTo(current + 1);
    } else if (key === "k") {
      event.preventDefault(); goTo(current - 1);
    } else if (key === "f") {
      event.preventDefault(); goTo(stops.indexOf(document.getElementById("red-flags")));
    } else if (key === "e" && endStop !== -1) {
      event.preventDefault(); goTo(endStop);
    } else if (key === "n" && stop) {
      if (focusNotes(stop)) { event.preventDefault(); }
    }
  });
}());
