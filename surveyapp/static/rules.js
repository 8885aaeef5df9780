/* The answering rules of a questionnaire (surveyapp/questionnaire/rules.py) evaluated in the
   browser: which required questions, matrix rows and role are missing and which whole
   numbers are not ones (or out of their limits), skipping questions
   their conditions hide, in the order the server checks them. The server holds every answer
   to the same rules; the page uses these only before an answer would wait offline. */
(function (root) {
  "use strict";

  function given(values) {
    return (values || []).map(function (v) { return String(v).trim(); }).filter(function (v) { return v !== ""; });
  }

  /* the digits a whole number may be written with besides 0–9 (questionnaire/types.py) */
  var DIGITS = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹";

  /* the whole number written, or null (as types.whole_number) */
  function wholeNumber(value) {
    var text = String(value).trim().replace(/[٠-٩۰-۹]/g, function (d) {
      return String(DIGITS.indexOf(d) % 10);
    });
    return /^[+-]?[0-9]{1,9}$/.test(text) ? parseInt(text, 10) : null;
  }

  /* a whole number's message, or null when it is one within the question's limits */
  function numberError(rules, limits, values) {
    if (values.length > 1) return rules.messages.too_many;
    var number = wholeNumber(values[0]);
    if (number === null) return rules.messages.not_a_number;
    if (limits.minimum !== null && number < limits.minimum) {
      return rules.messages.too_small.replace("%(minimum)s", String(limits.minimum));
    }
    if (limits.maximum !== null && number > limits.maximum) {
      return rules.messages.too_large.replace("%(maximum)s", String(limits.maximum));
    }
    return null;
  }

  function shown(question, answers, role) {
    if (!question.show_if.length) return true;
    return question.show_if.some(function (c) {
      if (c.source === "role") return Boolean(role) && c.values.indexOf(role) !== -1;
      return (answers[c.key] || []).some(function (v) { return c.values.indexOf(v) !== -1; });
    });
  }

  /* {key: message} for the answers {input name: [values]} and the respondent's role; a
     question hidden by its conditions is skipped (the page sends nothing for it) */
  function errors(rules, values, role, asksRole) {
    var found = {};
    var answers = {};
    if (asksRole && !role) found.role = rules.messages.role_required;
    rules.questions.forEach(function (q) {
      if (!shown(q, answers, role)) return;
      var inputs = q.inputs.map(function (name) { return given(values[name]); });
      var filled = inputs.filter(function (a) { return a.length > 0; }).length;
      if (q.number && filled > 0) {
        var wrong = numberError(rules, q.number, inputs[0]);
        if (wrong) {
          found[q.key] = wrong;
          return;
        }
      }
      if (q.rows && filled > 0 && filled < inputs.length && q.required) {
        found[q.key] = rules.messages.required_row;
        return;
      }
      if (filled === 0 && q.required) {
        found[q.key] = rules.messages.required;
        return;
      }
      if (q.condition) answers[q.key] = [].concat.apply([], inputs);
    });
    return found;
  }

  /* the participant code's message, or null when it is well formed (or optional and empty) */
  function codeError(rules, value) {
    var code = String(value || "").trim().toUpperCase();
    if (!code) return rules.participant_code.required;
    if (!new RegExp(rules.participant_code.pattern).test(code)) {
      return rules.participant_code.bad.replace("{value}", String(value));
    }
    return null;
  }

  root.SurveyRules = { errors: errors, codeError: codeError };
})(window);
