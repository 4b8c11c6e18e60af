// swagger-initializer.js - resmon's Swagger UI: this server's openapi.yaml
// SPDX-License-Identifier: MIT
//
// Replaces the file of npm's swagger-ui-dist, which loads a remote
// petstore. Everything comes from the server the page came from: the
// description at /swagger/openapi.yaml, no online validator (it would
// send the description to an outside host), no top bar in which another
// URL could be typed, no ?url= or ?configUrl= taken from the address.
window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/swagger/openapi.yaml",
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    queryConfigEnabled: false,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
    persistAuthorization: false,
    tryItOutEnabled: false,
  });
};
