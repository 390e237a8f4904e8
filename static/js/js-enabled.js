/* Loaded first thing in <body>, before it renders (the GOV.UK Frontend snippet, as a file so
   the content security policy needs no inline script). */
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
