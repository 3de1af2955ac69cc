// Starts Swagger UI on the API reference page. A file of Credflow's own, since the page's content
// policy runs no inline script. The description's address comes from the page (data-url).
document.addEventListener('DOMContentLoaded', function () {
  var root = document.getElementById('swagger-ui');
  window.SwaggerUIBundle({
    url: root.dataset.url,
    domNode: root,
    deepLinking: true,
    // No badge from the public validator: the page loads nothing from elsewhere.
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    docExpansion: 'list'
  });
});
