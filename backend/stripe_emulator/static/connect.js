/*
 * Stripe emulator: a stand-in for Connect.js (https://connect-js.stripe.com/v1.0/connect.js).
 *
 * Defines window.StripeConnect.init(params) the way Connect.js does, so @stripe/connect-js
 * (loadConnectAndInitialize) and @stripe/react-connect-js work against it, and the custom
 * elements <stripe-connect-account-onboarding>, <stripe-connect-account-management> and
 * <stripe-connect-notification-banner>. They render from the emulator's /connect-js/ JSON
 * endpoints, authenticated by the Account Session's client secret. Other components render
 * a note and report a load error. See docs/emulator.md ("Connect.js stand-in").
 *
 * Everything is built with DOM APIs (textContent, never innerHTML) inside an open shadow root.
 */
(function () {
  "use strict";

  // Filled in by the emulator; used when this script is served from another URL (e.g. routed
  // in place of Stripe's own by a browser test). Otherwise the script's own location wins.
  var EMBEDDED_BASE_URL = "__STRIPE_EMULATOR_BASE_URL__";
  var SCRIPT_PATH = /\/connect-js\/v1\.js(?:[?#].*)?$/;

  function baseUrl() {
    var current = document.currentScript;
    if (current && current.src && SCRIPT_PATH.test(current.src)) {
      return current.src.replace(SCRIPT_PATH, "");
    }
    return EMBEDDED_BASE_URL;
  }

  var BASE = baseUrl();

  if (window.StripeConnect && window.StripeConnect.emulated) {
    return; // loaded twice: keep the first copy (custom elements can only be defined once)
  }

  // ------------------------------------------------------------------ the element catalogue
  // From @stripe/connect-js's componentsAndSetters.ts: every tag and the setters of each.

  var COMMON_SETTERS = ["setOnLoadError", "setOnLoaderStart"];
  var SETTERS = {
    "account-onboarding": [
      "setFullTermsOfServiceUrl",
      "setRecipientTermsOfServiceUrl",
      "setPrivacyPolicyUrl",
      "setSkipTermsOfServiceCollection",
      "setCollectionOptions",
      "setOnExit",
      "setOnStepChange",
    ],
    "account-management": ["setCollectionOptions", "setOnSectionOpen"],
    "notification-banner": ["setCollectionOptions", "setOnNotificationsChange"],
    "instant-payouts-promotion": [
      "setOnInstantPayoutsPromotionLoaded",
      "setOnInstantPayoutCreated",
    ],
    "issuing-card": [
      "setDefaultCard",
      "setCardSwitching",
      "setFetchEphemeralKey",
      "setShowSpendControls",
    ],
    "issuing-cards-list": ["setFetchEphemeralKey", "setShowSpendControls", "setIssuingProgram"],
    "financial-account": ["setFinancialAccount"],
    "financial-account-transactions": ["setFinancialAccount"],
    payments: ["setDefaultFilters"],
    "payment-details": ["setPayment", "setOnClose"],
    "payment-disputes": ["setPayment", "setOnDisputesLoaded"],
    "tax-settings": [
      "setHideProductTaxCodeSelector",
      "setDisplayHeadOfficeCountries",
      "setOnTaxSettingsUpdated",
    ],
    "tax-registrations": [
      "setOnAfterTaxRegistrationAdded",
      "setDisplayCountries",
      "setOnAfterTaxRegistrationExpired",
    ],
    "payout-details": ["setPayout", "setOnClose"],
    "payout-reconciliation-report": ["setOnReportAvailabilityLoaded"],
  };
  var TAGS = [
    "account-onboarding",
    "disputes-list",
    "payments",
    "payment-details",
    "payment-disputes",
    "payouts",
    "payouts-list",
    "payout-details",
    "balances",
    "account-management",
    "notification-banner",
    "instant-payouts-promotion",
    "issuing-card",
    "issuing-cards-list",
    "financial-account",
    "financial-account-transactions",
    "documents",
    "tax-registrations",
    "tax-settings",
    "balance-report",
    "payout-reconciliation-report",
  ];
  // Setters whose value changes what the element shows (the others are listeners or links).
  var RELOADING = {
    setCollectionOptions: true,
    setSkipTermsOfServiceCollection: true,
  };

  // ------------------------------------------------------------------ helpers

  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(function (c) { append(el, c); });
    else el.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
  }

  // h("p", {class: "hint", text: "..."}, child, [children]...): an element, safely.
  function h(tag, attrs) {
    var el = document.createElement(tag);
    var key;
    for (key in attrs || {}) {
      var value = attrs[key];
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") el.textContent = value;
      else if (key === "onclick") el.addEventListener("click", value);
      else if (key === "onsubmit") el.addEventListener("submit", value);
      else el.setAttribute(key, value === true ? "" : String(value));
    }
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }

  function embeddedError(type, message) {
    return { type: type, message: message };
  }

  function asError(err) {
    if (err && typeof err.type === "string") return err;
    return embeddedError("api_error", String((err && err.message) || err));
  }

  function fieldId(name) {
    return "f-" + name.replace(/[^A-Za-z0-9]+/g, "-");
  }

  function call(listener, value) {
    if (typeof listener !== "function") return;
    try {
      listener(value);
    } catch (err) {
      console.error("[stripe-emulator connect.js] listener failed", err);
    }
  }

  var STYLE = [
    ":host{display:block;font-family:var(--se-font,system-ui,sans-serif);",
    "color:var(--se-text,#1a1f36);font-size:var(--se-font-size,1rem)}",
    ":host([hidden]){display:none}",
    ".surface{background:var(--se-background,#fff);border:1px solid #d8dee4;",
    "border-radius:var(--se-radius,8px);padding:1.25rem;box-sizing:border-box;max-width:100%}",
    ".badge{display:inline-block;font-size:.75rem;background:#fff4d6;color:#5d4400;",
    "border-radius:4px;padding:.1rem .4rem;margin:0 0 .5rem}",
    "h2{font-size:1.25rem;margin:0 0 .5rem}h3{font-size:1rem;margin:1rem 0 .5rem}",
    "fieldset{border:1px solid #d8dee4;border-radius:6px;margin:0 0 1rem;padding:.75rem;",
    "min-width:0}legend{font-weight:600;padding:0 .25rem}",
    ".field{margin:0 0 .75rem}label{display:block;font-weight:500;margin:0 0 .25rem}",
    ".check label{display:inline;font-weight:400}",
    "input[type=text],input[type=email],input[type=url],input[type=date],input[type=number],",
    "input[type=tel]{width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #8792a2;",
    "border-radius:4px;font:inherit}",
    "input:focus,button:focus{outline:3px solid var(--se-primary,#635bff);outline-offset:2px}",
    ".hint{color:#4f566b;font-size:.875rem;margin:.25rem 0 0}",
    ".error{color:var(--se-danger,#b3093c);font-weight:500;margin:.25rem 0 0}",
    ".alert{border:2px solid var(--se-danger,#b3093c);padding:.75rem;border-radius:6px;",
    "margin:0 0 1rem}.alert h3{margin-top:0}",
    ".alert button{background:none;border:0;color:var(--se-danger,#b3093c);",
    "text-decoration:underline;padding:0;cursor:pointer;font:inherit;text-align:left}",
    ".actions{display:flex;flex-wrap:wrap;gap:.75rem;margin-top:.5rem}",
    "button.primary,button.secondary{padding:.55rem 1.1rem;border-radius:4px;font:inherit;",
    "cursor:pointer;border:1px solid var(--se-primary,#635bff)}",
    "button.primary{background:var(--se-primary,#635bff);color:#fff}",
    "button.secondary{background:#fff;color:var(--se-primary,#635bff)}",
    "button[disabled]{opacity:.6;cursor:progress}",
    "dl{display:grid;grid-template-columns:minmax(8rem,max-content) 1fr;gap:.35rem 1rem;",
    "margin:0 0 1rem}dt{font-weight:500;color:#4f566b}dd{margin:0;overflow-wrap:anywhere}",
    ".banner{border-left:4px solid var(--se-warning,#c84801);background:#fff8f2;",
    "padding:.75rem 1rem;border-radius:var(--se-radius,8px)}",
    ".banner p{margin:.25rem 0 .5rem}.status{color:#0e6245;font-weight:500}",
    "@media (max-width:30rem){.surface{padding:.75rem}dl{grid-template-columns:1fr}}",
  ].join("");

  // ------------------------------------------------------------------ the connector

  function Connector(params) {
    this.params = params || {};
    var meta = this.params.metaOptions || {};
    this.eagerSecret = meta.eagerClientSecretPromise || null;
    this.secretPromise = null;
    this.appearance = this.params.appearance || {};
    this.elements = new Set();
  }

  Connector.prototype.clientSecret = function (fresh) {
    var self = this;
    if (fresh) this.secretPromise = null;
    if (!this.secretPromise) {
      var eager = this.eagerSecret;
      this.eagerSecret = null;
      this.secretPromise = (eager
        ? Promise.resolve(eager)
        : Promise.resolve().then(function () {
            if (typeof self.params.fetchClientSecret !== "function") {
              throw new Error("fetchClientSecret is not a function");
            }
            return self.params.fetchClientSecret();
          })
      )
        .then(function (secret) {
          if (typeof secret !== "string" || !secret) {
            throw new Error("fetchClientSecret did not return a client secret");
          }
          return secret;
        })
        .catch(function (err) {
          self.secretPromise = null;
          throw embeddedError(
            "account_session_create_error",
            "Could not get a client secret: " + String((err && err.message) || err)
          );
        });
    }
    return this.secretPromise;
  };

  Connector.prototype.request = async function (method, path, body) {
    var key = String(this.params.publishableKey || "");
    if (key.indexOf("pk_test_") !== 0) {
      throw embeddedError(
        "invalid_request_error",
        "The Stripe emulator takes a test-mode publishable key (pk_test_...)."
      );
    }
    for (var attempt = 0; attempt < 2; attempt++) {
      var secret = await this.clientSecret(attempt > 0);
      var response;
      try {
        response = await fetch(BASE + path, {
          method: method,
          headers: body
            ? { Authorization: "Bearer " + secret, "Content-Type": "application/json" }
            : { Authorization: "Bearer " + secret },
          body: body ? JSON.stringify(body) : undefined,
          mode: "cors",
          credentials: "omit",
          cache: "no-store",
        });
      } catch (err) {
        throw embeddedError(
          "api_connection_error",
          "Could not reach the Stripe emulator at " + BASE + "."
        );
      }
      var data = {};
      try {
        data = (await response.json()) || {};
      } catch (err) {
        data = {};
      }
      // An expired or unknown secret: ask the platform for a new session, once.
      if (response.status === 401 && attempt === 0) continue;
      return { status: response.status, ok: response.ok, data: data };
    }
    throw embeddedError("authentication_error", "The client secret was refused.");
  };

  Connector.prototype.expect = async function (method, path, body) {
    var result = await this.request(method, path, body);
    if (!result.ok) {
      throw (result.data && result.data.error) ||
        embeddedError("api_error", "The Stripe emulator answered " + result.status + ".");
    }
    return result.data;
  };

  Connector.prototype.attach = function (element) {
    this.elements.add(element);
  };

  Connector.prototype.detach = function (element) {
    this.elements.delete(element);
  };

  // One surface changed the account: the others that show it load again.
  Connector.prototype.changed = function (source) {
    this.elements.forEach(function (element) {
      if (element !== source && element.followsAccount()) element.reload();
    });
  };

  Connector.prototype.update = function (options) {
    if (options && options.appearance) this.appearance = options.appearance;
    this.elements.forEach(function (element) {
      element.applyAppearance();
    });
  };

  Connector.prototype.logout = function () {
    this.secretPromise = null;
    this.eagerSecret = null;
    return Promise.resolve();
  };

  // ------------------------------------------------------------------ forms

  function fieldInput(spec) {
    var id = fieldId(spec.name);
    var described = [];
    if (spec.hint) described.push(id + "-hint");
    if (spec.error) described.push(id + "-error");
    var attrs = {
      id: id,
      name: spec.name,
      type: spec.type || "text",
      autocomplete: spec.autocomplete || null,
      "aria-describedby": described.length ? described.join(" ") : null,
      "aria-invalid": spec.error ? "true" : null,
      required: spec.required && !spec.hint,
    };
    var extras = [
      spec.hint ? h("p", { class: "hint", id: id + "-hint", text: spec.hint }) : null,
      spec.error ? h("p", { class: "error", id: id + "-error", text: spec.error }) : null,
    ];
    var label = h("label", { for: id, text: spec.label });
    if (spec.type === "checkbox") {
      attrs.value = spec.value;
      attrs.checked = spec.checked;
      return h("div", { class: "field check" }, h("input", attrs), " ", label, extras);
    }
    if (spec.type === "number") attrs.inputmode = "numeric";
    var input = h("input", attrs);
    input.value = spec.value || "";
    return h("div", { class: "field" }, label, input, extras);
  }

  // Buttons, not links: a "#id" link would change the platform page's URL and cannot reach
  // into the shadow root.
  function errorSummary(root, errors) {
    var names = Object.keys(errors || {});
    if (!names.length) return null;
    return h(
      "div",
      { class: "alert", role: "alert", tabindex: "-1", "aria-labelledby": "problem-heading" },
      h("h3", { id: "problem-heading", text: "There is a problem" }),
      h(
        "ul",
        null,
        names.map(function (name) {
          return h(
            "li",
            null,
            h("button", {
              type: "button",
              text: errors[name],
              onclick: function () {
                var target = root.getElementById(fieldId(name));
                if (target) target.focus();
              },
            })
          );
        })
      )
    );
  }

  function formValues(formEl) {
    var values = {};
    Array.prototype.forEach.call(formEl.querySelectorAll("input[name]"), function (input) {
      if (input.type === "checkbox") values[input.name] = input.checked ? input.value : "";
      else values[input.name] = input.value;
    });
    return values;
  }

  // A form from the emulator's JSON (``groups`` of inputs, ``errors``) with its actions.
  // ``options.submit(action, values)`` resolves to {form} to show again (errors) or null.
  function formView(element, form, options) {
    var buttons = [h("button", { type: "submit", class: "primary", value: "submit", text: options.submitLabel })];
    if (options.saveLabel) {
      buttons.push(
        h("button", { type: "submit", class: "secondary", value: "save", text: options.saveLabel })
      );
    }
    if (options.onCancel) {
      buttons.push(
        h("button", { type: "button", class: "secondary", text: "Cancel", onclick: options.onCancel })
      );
    }
    var formEl = h(
      "form",
      {
        novalidate: true,
        "aria-label": options.title,
        onsubmit: async function (event) {
          event.preventDefault();
          var action = (event.submitter && event.submitter.value) || "submit";
          var controls = formEl.querySelectorAll("button");
          Array.prototype.forEach.call(controls, function (b) { b.disabled = true; });
          formEl.setAttribute("aria-busy", "true");
          try {
            var again = await options.submit(action, formValues(formEl));
            if (again) {
              var replacement = formView(element, again, options);
              formEl.replaceWith(replacement);
              var alert = replacement.querySelector(".alert");
              if (alert) alert.focus();
            }
          } catch (err) {
            element.fail(err);
          } finally {
            Array.prototype.forEach.call(controls, function (b) { b.disabled = false; });
            formEl.removeAttribute("aria-busy");
          }
        },
      },
      errorSummary(element.shadowRoot, form.errors),
      form.verifying && form.verifying.length
        ? [
            h("h3", { text: "Being verified by Stripe" }),
            h("ul", null, form.verifying.map(function (d) { return h("li", { text: d }); })),
          ]
        : null,
      (form.groups || []).length
        ? form.groups.map(function (group) {
            return h(
              "fieldset",
              null,
              h("legend", { text: group.legend }),
              group.inputs.map(fieldInput)
            );
          })
        : h("p", { text: "Stripe doesn't need anything else from you right now." }),
      h("div", { class: "actions" }, buttons)
    );
    return formEl;
  }

  // ------------------------------------------------------------------ elements

  class EmulatedElement extends HTMLElement {
    constructor() {
      super();
      this.options = {};
      this.connector = null;
      this.pending = null;
      this.attachShadow({ mode: "open" });
    }

    get tag() {
      return this.localName.replace(/^stripe-connect-/, "");
    }

    followsAccount() {
      return false;
    }

    setConnector(connector) {
      if (this.connector === connector) return;
      if (this.connector) this.connector.detach(this);
      this.connector = connector;
      if (this.isConnected) connector.attach(this);
      this.applyAppearance();
      this.reload();
    }

    connectedCallback() {
      if (this.connector) {
        this.connector.attach(this);
        this.reload();
      }
    }

    disconnectedCallback() {
      if (this.connector) this.connector.detach(this);
    }

    setOption(setter, value) {
      var previous = this.options[setter];
      this.options[setter] = value;
      if (RELOADING[setter] && JSON.stringify(previous) !== JSON.stringify(value)) this.reload();
    }

    // Coalesces setter calls and connection into one load.
    reload() {
      var self = this;
      if (this.pending) clearTimeout(this.pending);
      this.pending = setTimeout(function () {
        self.pending = null;
        if (self.isConnected && self.connector) {
          call(self.options.setOnLoaderStart, { elementTagName: self.tag });
          Promise.resolve(self.load()).catch(function (err) {
            self.fail(err);
          });
        }
      }, 20);
    }

    applyAppearance() {
      var variables = (this.connector && this.connector.appearance.variables) || {};
      var map = {
        colorPrimary: "--se-primary",
        colorBackground: "--se-background",
        colorText: "--se-text",
        colorDanger: "--se-danger",
        colorWarning: "--se-warning",
        fontFamily: "--se-font",
        fontSizeBase: "--se-font-size",
        borderRadius: "--se-radius",
      };
      for (var key in map) {
        if (variables[key]) this.style.setProperty(map[key], String(variables[key]));
        else this.style.removeProperty(map[key]);
      }
    }

    show() {
      var root = this.shadowRoot;
      while (root.firstChild) root.removeChild(root.firstChild);
      root.appendChild(h("style", { text: STYLE }));
      for (var i = 0; i < arguments.length; i++) {
        if (arguments[i]) root.appendChild(arguments[i]);
      }
    }

    loading(text) {
      this.show(h("div", { class: "surface", role: "status", "aria-busy": "true", text: text || "Loading…" }));
    }

    fail(err) {
      var error = asError(err);
      this.show(
        h(
          "div",
          { class: "surface", role: "alert" },
          h("h2", { text: "Something went wrong" }),
          h("p", { text: error.message || error.type })
        )
      );
      call(this.options.setOnLoadError, { elementTagName: this.tag, error: error });
    }

    // Shows the element again now (after a change it made itself).
    refresh(statusText) {
      var self = this;
      return Promise.resolve(this.load(statusText)).catch(function (err) {
        self.fail(err);
      });
    }

    load() {
      var message = "The " + this.tag + " component is not available in the Stripe emulator.";
      this.show(h("div", { class: "surface", role: "note", text: message }));
      call(this.options.setOnLoadError, {
        elementTagName: this.tag,
        error: embeddedError("render_error", message),
      });
    }

    collectionQuery(component) {
      var options = this.options.setCollectionOptions || {};
      var params = new URLSearchParams({ component: component });
      if (options.fields) params.set("fields", options.fields);
      if (options.futureRequirements) params.set("future_requirements", options.futureRequirements);
      if (this.options.setSkipTermsOfServiceCollection) params.set("skip_terms_of_service", "true");
      return params;
    }

    // Show ``component``'s form; ``done(result)`` after it is submitted or saved.
    async openForm(container, component, title, labels, done, onCancel) {
      var self = this;
      var query = this.collectionQuery(component);
      var form = await this.connector.expect("GET", "/connect-js/onboarding?" + query.toString());
      var view = formView(this, form, {
        title: title,
        submitLabel: labels.submit,
        saveLabel: labels.save,
        onCancel: onCancel,
        submit: async function (action, values) {
          var body = { action: action, values: values };
          query.forEach(function (value, key) { body[key] = value; });
          var result = await self.connector.request("POST", "/connect-js/submit", body);
          if (result.status === 400 && result.data.form) return result.data.form;
          if (!result.ok) throw result.data.error || embeddedError("api_error", "Submit failed.");
          self.connector.changed(self);
          done(result.data);
          return null;
        },
      });
      container.replaceChildren(view);
      return form;
    }
  }

  class AccountOnboarding extends EmulatedElement {
    followsAccount() {
      return !this.done; // the "thanks" page stays until the platform shows the element again
    }

    async load() {
      var self = this;
      this.done = false;
      this.loading("Loading onboarding…");
      var body = h("div");
      var surface = h(
        "section",
        { class: "surface", "aria-labelledby": "onboarding-title" },
        h("span", { class: "badge", text: "Test mode · Stripe emulator" }),
        h("h2", { id: "onboarding-title", text: "Set up payments" }),
        body
      );
      await this.openForm(
        body,
        "account_onboarding",
        "Set up payments",
        { submit: "Submit", save: "Save for later" },
        function (result) {
          self.finished(result);
        }
      );
      this.show(surface);
    }

    finished(result) {
      this.done = true;
      var form = result.form || {};
      var saved = result.status === "saved";
      var lines = [
        h("h2", { id: "onboarding-title", tabindex: "-1", text: saved ? "Your progress is saved" : "Thanks, your information was submitted" }),
      ];
      if (form.outstanding) {
        lines.push(h("p", { text: "Stripe still needs " + form.outstanding + " more item(s). You can finish later." }));
      }
      if (form.verifying && form.verifying.length) {
        lines.push(h("p", { text: "Stripe is verifying some of your details." }));
      }
      this.show(h("section", { class: "surface", role: "status", "aria-labelledby": "onboarding-title" }, lines));
      call(this.options.setOnExit);
    }
  }

  class NotificationBanner extends EmulatedElement {
    followsAccount() {
      return true;
    }

    // Requirements change on their own (deadlines pass, verifications finish): look again
    // when the merchant comes back to the page, unless they are filling in the form.
    connectedCallback() {
      super.connectedCallback();
      var self = this;
      this.onFocus = this.onFocus || function () {
        if (!self.shadowRoot.querySelector("form")) self.reload();
      };
      window.addEventListener("focus", this.onFocus);
    }

    disconnectedCallback() {
      super.disconnectedCallback();
      if (this.onFocus) window.removeEventListener("focus", this.onFocus);
    }

    async load() {
      var self = this;
      var query = this.collectionQuery("notification_banner");
      query.delete("component");
      var data = await this.connector.expect("GET", "/connect-js/notifications?" + query.toString());
      call(this.options.setOnNotificationsChange, {
        total: data.total,
        actionRequired: data.action_required,
      });
      if (!data.total) {
        this.show();
        return;
      }
      var note = data.notifications[0];
      var formArea = h("div");
      var resolve = h("button", {
        type: "button",
        class: "primary",
        "aria-expanded": "false",
        text: "Resolve",
        onclick: function () {
          resolve.setAttribute("aria-expanded", "true");
          resolve.hidden = true;
          self
            .openForm(
              formArea,
              "notification_banner",
              "Provide the information Stripe needs",
              { submit: "Submit", save: null },
              function () { self.refresh(); },
              function () {
                formArea.replaceChildren();
                resolve.hidden = false;
                resolve.setAttribute("aria-expanded", "false");
                resolve.focus();
              }
            )
            .catch(function (err) { self.fail(err); });
        },
      });
      this.show(
        h(
          "section",
          { class: "banner", "aria-label": "Notifications from Stripe" },
          h("strong", { text: note.title }),
          h("p", { text: note.description }),
          resolve,
          formArea
        )
      );
    }
  }

  class AccountManagement extends EmulatedElement {
    followsAccount() {
      return true;
    }

    async load(statusText) {
      var self = this;
      var account = await this.connector.expect("GET", "/connect-js/account");
      var details = h("div");
      var bank = h("div");
      var status = h("p", { class: "status", role: "status", text: statusText || "" });
      var editDetails = h("button", {
        type: "button",
        class: "secondary",
        text: "Edit business details",
        onclick: function () {
          call(self.options.setOnSectionOpen, { sectionName: "business_details" });
          self
            .openForm(
              details,
              "account_management",
              "Edit business details",
              { submit: "Save", save: null },
              function () { self.refresh("Your details were saved."); },
              function () { self.refresh(); }
            )
            .catch(function (err) { self.fail(err); });
        },
      });
      details.append(
        h(
          "dl",
          null,
          h("dt", { text: "Business name" }), h("dd", { text: account.business_name }),
          h("dt", { text: "Contact email" }), h("dd", { text: account.contact_email || "—" }),
          h("dt", { text: "Country" }), h("dd", { text: account.country }),
          h("dt", { text: "Business type" }), h("dd", { text: account.entity_type })
        ),
        editDetails
      );
      var onFile = account.bank_account
        ? h(
            "dl",
            null,
            account.bank_fields.map(function (f) {
              return [
                h("dt", { text: account.bank_account[f.name].label }),
                h("dd", { text: "•••• " + account.bank_account[f.name].last4 }),
              ];
            })
          )
        : h("p", { text: "No bank account on file." });
      bank.append(onFile);
      if (account.external_account_collection) {
        bank.append(
          h("button", {
            type: "button",
            class: "secondary",
            text: account.bank_account ? "Change bank account" : "Add bank account",
            onclick: function () {
              call(self.options.setOnSectionOpen, { sectionName: "external_account" });
              self.bankForm(bank, account, {});
            },
          })
        );
      } else {
        bank.append(h("p", { class: "hint", text: "Your platform manages your bank account." }));
      }
      this.show(
        h(
          "section",
          { class: "surface", "aria-labelledby": "management-title" },
          h("span", { class: "badge", text: "Test mode · Stripe emulator" }),
          h("h2", { id: "management-title", text: "Account details" }),
          status,
          h("h3", { text: "Business" }),
          details,
          h("h3", { text: "Bank account for payouts" }),
          bank
        )
      );
    }

    bankForm(container, account, errors) {
      var self = this;
      var fields = account.bank_fields.map(function (f) {
        return Object.assign({}, f, { error: errors[f.name] || null });
      });
      var form = { groups: [{ legend: "New bank account", inputs: fields }], errors: errors };
      container.replaceChildren(
        formView(this, form, {
          title: "Change bank account",
          submitLabel: "Save bank account",
          onCancel: function () { self.refresh(); },
          submit: async function (action, values) {
            var result = await self.connector.request("POST", "/connect-js/external_account", { values: values });
            if (result.status === 400 && result.data.errors) {
              var again = account.bank_fields.map(function (f) {
                return Object.assign({}, f, { value: values[f.name] || "", error: result.data.errors[f.name] || null });
              });
              return { groups: [{ legend: "New bank account", inputs: again }], errors: result.data.errors };
            }
            if (!result.ok) throw result.data.error || embeddedError("api_error", "Saving failed.");
            self.connector.changed(self);
            self.refresh("Bank account updated.");
            return null;
          },
        })
      );
    }
  }

  var CLASSES = {
    "account-onboarding": AccountOnboarding,
    "account-management": AccountManagement,
    "notification-banner": NotificationBanner,
  };

  function defineElement(tag) {
    var name = "stripe-connect-" + tag;
    if (customElements.get(name)) return;
    var Base = CLASSES[tag] || EmulatedElement;
    var Defined = class extends Base {};
    COMMON_SETTERS.concat(SETTERS[tag] || []).forEach(function (setter) {
      function set(value) {
        this.setOption(setter, value);
      }
      // @stripe/connect-js calls `<setter>InternalOnly`; direct users call the setter itself.
      Defined.prototype[setter + "InternalOnly"] = set;
      Defined.prototype[setter] = set;
    });
    customElements.define(name, Defined);
  }

  TAGS.forEach(defineElement);

  // ------------------------------------------------------------------ window.StripeConnect

  function init(params) {
    var connector = new Connector(params);
    return {
      connect: connector,
      create: function (tagName) {
        var element = document.createElement("stripe-connect-" + tagName);
        if (typeof element.setConnector !== "function") {
          throw new Error("Unknown Connect embedded component: " + tagName);
        }
        element.setConnector(connector);
        return element;
      },
      update: function (options) {
        connector.update(options);
      },
      logout: function () {
        return connector.logout();
      },
    };
  }

  window.StripeConnect = window.StripeConnect || {};
  window.StripeConnect.init = init;
  window.StripeConnect.emulated = true;
  window.StripeConnect.emulatorBaseUrl = BASE;
})();
