// Pathway: progressive enhancement only. Every page works without this file.
//
// Load once, at the end of <body>:
//   <script type="module" src="/assets/pathway.js"></script>
//
// Browsers that run ES modules get NHS.UK frontend's JavaScript components
// (skip link focus, error summary focus, header menu, character count, ...).
// Marking <body> here, rather than in NHS.UK frontend's inline snippet, keeps
// pages free of inline scripts (strict Content-Security-Policy friendly).
import { initAll } from './vendor/nhsuk-frontend/nhsuk-frontend.min.js'

document.body.classList.add('js-enabled', 'nhsuk-frontend-supported')
initAll()
