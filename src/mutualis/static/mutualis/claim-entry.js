// The lines of the claim form, made quick to type: a code completes from the provider's price
// list (claims.views.claim_items) and fills the agreed tariff; an unknown code is flagged at
// once; the amounts and the total follow what is typed; a line is added or removed in place.
// Without this file the form works the same way through plain posts.
(function () {
  "use strict";
  var table = document.getElementById("claim-lines");
  if (!table) return;
  var body = table.tBodies[0];
  var template = document.getElementById("line-template");
  var total = document.getElementById("claim-total");
  var count = document.getElementById("id_lines-TOTAL_FORMS");
  var addButton = document.getElementById("add-line");
  var url = table.dataset.itemsUrl;
  var separator = table.dataset.separator || " ";
  var currency = table.dataset.currency || "";
  var listbox = document.createElement("ul");
  listbox.id = "item-options";
  listbox.className = "item-options";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", table.dataset.options);
  listbox.hidden = true;
  var shown = [];      // the items of the list open
  var active = -1;     // the item chosen by the arrow keys
  var owner = null;    // the code input the list belongs to
  var pending = {};    // the request in flight of each kind, aborted by the next of its kind
  var timer = null;

  function money(amount) {
    var digits = String(Math.abs(amount));
    var grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
    return (amount < 0 ? "-" : "") + grouped + (currency ? "\u00a0" + currency : "");
  }

  function field(row, name) {
    return row.querySelector("input[name$='-" + name + "']");
  }

  function care() {
    var value = function (id) {
      var input = document.getElementById(id);
      return input ? input.value : "";
    };
    return "provider=" + encodeURIComponent(value("id_provider")) +
      "&on=" + encodeURIComponent(value("id_service_from")) +
      "&member=" + encodeURIComponent(value("id_member_number"));
  }

  function lookup(query, done) {
    // a completion never aborts the check of a code left, nor the reverse
    var kind = query.split("=")[0];
    if (pending[kind]) pending[kind].abort();
    pending[kind] = new AbortController();
    fetch(url + "?" + care() + "&" + query, {
      signal: pending[kind].signal,
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.ok ? response.json() : { items: [] }; })
      .then(function (answer) { done(answer.items || []); })
      .catch(function () { /* aborted by a newer keystroke, or offline: the server checks */ });
  }

  function recount() {
    var sum = 0;
    Array.prototype.forEach.call(body.querySelectorAll("tr.line"), function (row) {
      var code = field(row, "item_code").value.trim();
      var quantity = parseInt(field(row, "quantity").value, 10);
      var price = parseInt(field(row, "unit_price").value, 10);
      if (isNaN(quantity) && code) quantity = 1;
      var cell = row.querySelector(".line-amount");
      if (code && !isNaN(quantity) && !isNaN(price)) {
        sum += quantity * price;
        cell.textContent = money(quantity * price);
      } else {
        cell.textContent = "";
      }
    });
    total.textContent = money(sum);
  }

  function flag(row, unknown) {
    var cell = row.querySelector("td.code");
    var next = row.nextElementSibling;
    var note = next && next.classList.contains("live") ? next : null;
    cell.classList.toggle("invalid", unknown);
    field(row, "item_code").setAttribute("aria-invalid", unknown ? "true" : "false");
    if (unknown && !note) {
      note = document.createElement("tr");
      note.className = "line-errors live";
      note.innerHTML = '<td colspan="5" class="error" role="alert"><p></p></td>';
      note.querySelector("p").textContent = table.dataset.unknown;
      row.after(note);
    } else if (!unknown && note) {
      note.remove();
    }
  }

  function describe(row, item) {
    row.querySelector(".item-label").textContent = item ? item.label + " · " + item.price_text : "";
  }

  function fill(row, item) {
    var code = field(row, "item_code");
    var price = field(row, "unit_price");
    code.value = item.code;
    // the tariff fills an empty price, or replaces a tariff filled before, never a typed one
    if (!price.value || price.dataset.tariff === price.value) {
      price.value = item.price;
      price.dataset.tariff = String(item.price);
    }
    describe(row, item);
    flag(row, false);
    recount();
  }

  function close() {
    listbox.hidden = true;
    listbox.textContent = "";
    shown = [];
    active = -1;
    if (owner) {
      owner.setAttribute("aria-expanded", "false");
      owner.removeAttribute("aria-activedescendant");
    }
  }

  function highlight(index) {
    active = index;
    Array.prototype.forEach.call(listbox.children, function (option, position) {
      option.setAttribute("aria-selected", position === index ? "true" : "false");
    });
    if (index >= 0 && listbox.children[index]) {
      owner.setAttribute("aria-activedescendant", listbox.children[index].id);
      listbox.children[index].scrollIntoView({ block: "nearest" });
    } else {
      owner.removeAttribute("aria-activedescendant");
    }
  }

  function open(input, items) {
    owner = input;
    shown = items;
    listbox.textContent = "";
    items.forEach(function (item, index) {
      var option = document.createElement("li");
      option.id = "item-option-" + index;
      option.setAttribute("role", "option");
      var code = document.createElement("strong");
      code.textContent = item.code;
      option.appendChild(code);
      option.appendChild(document.createTextNode(" " + item.label + " · " + item.price_text));
      // mousedown, not click: the input keeps its focus, and its change comes after the choice
      option.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(index);
      });
      listbox.appendChild(option);
    });
    if (!items.length) {
      var none = document.createElement("li");
      none.className = "none";
      none.textContent = table.dataset.nothing;
      listbox.appendChild(none);
    }
    input.closest("td").appendChild(listbox);
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(-1);
  }

  function choose(index) {
    var item = shown[index];
    var row = owner.closest("tr");
    close();
    if (!item) return;
    fill(row, item);
    field(row, "quantity").focus();
  }

  function check(row) {
    var code = field(row, "item_code").value.trim();
    if (!code) {
      flag(row, false);
      describe(row, null);
      return;
    }
    lookup("code=" + encodeURIComponent(code), function (items) {
      if (items.length) fill(row, items[0]);
      else {
        describe(row, null);
        flag(row, true);
      }
    });
  }

  function prepare(row) {
    var code = field(row, "item_code");
    code.setAttribute("role", "combobox");
    code.setAttribute("aria-autocomplete", "list");
    code.setAttribute("aria-expanded", "false");
    code.setAttribute("aria-controls", listbox.id);
    code.addEventListener("input", function () {
      clearTimeout(timer);
      var text = code.value.trim();
      if (!text) return close();
      timer = setTimeout(function () {
        lookup("q=" + encodeURIComponent(text), function (items) {
          if (document.activeElement === code) open(code, items);
        });
      }, 120);
    });
    code.addEventListener("keydown", function (event) {
      var isOpen = !listbox.hidden && owner === code;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!isOpen) return;
        event.preventDefault();
        if (!shown.length) return;
        if (event.key === "ArrowDown") highlight(active + 1 >= shown.length ? 0 : active + 1);
        else highlight(active <= 0 ? shown.length - 1 : active - 1);
      } else if (event.key === "Enter" && isOpen && shown.length) {
        event.preventDefault();  // a choice, not the form's submission
        choose(active >= 0 ? active : 0);
      } else if (event.key === "Escape" && isOpen) {
        event.preventDefault();
        close();
      }
    });
    code.addEventListener("blur", function () {
      clearTimeout(timer);  // a completion asked after the clerk left would open for nothing
      if (owner === code) close();
    });
    code.addEventListener("change", function () { check(row); });
    ["quantity", "unit_price"].forEach(function (name) {
      field(row, name).addEventListener("input", recount);
    });
    var remove = row.querySelector("td.remove");
    var box = remove.querySelector("input[type=checkbox]");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "remove-line";
    button.textContent = "×";
    button.setAttribute("aria-label", remove.querySelector(".visually-hidden").textContent);
    button.addEventListener("click", function () { drop(row); });
    remove.textContent = "";
    remove.appendChild(button);
    box.checked = false;  // a row removed here leaves the form: nothing to tick
  }

  function drop(row) {
    var next = row.nextElementSibling;
    while (next && next.classList.contains("line-errors")) {
      var after = next.nextElementSibling;
      next.remove();
      next = after;
    }
    row.remove();
    if (!body.querySelector("tr.line")) append();
    var target = next && next.classList.contains("line") ? field(next, "item_code") : addButton;
    target.focus();
    recount();
  }

  function append() {
    var index = parseInt(count.value, 10);
    var html = template.innerHTML.replace(/__prefix__/g, String(index));
    body.insertAdjacentHTML("beforeend", html);
    count.value = String(index + 1);
    var rows = body.querySelectorAll("tr.line");
    var row = rows[rows.length - 1];
    prepare(row);
    return row;
  }

  // The add button stays the form's first submit button, so that Enter in a field asks for a
  // line rather than submitting a claim half typed: here it goes to the first empty line, or
  // to a new one.
  addButton.addEventListener("click", function (event) {
    event.preventDefault();
    var empty = Array.prototype.find.call(body.querySelectorAll("tr.line"), function (row) {
      return !field(row, "item_code").value.trim();
    });
    field(empty || append(), "item_code").focus();
  });

  Array.prototype.forEach.call(body.querySelectorAll("tr.line"), prepare);
  recount();
})();
