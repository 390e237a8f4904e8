/* GOV.UK Frontend's components (a module script, as the Frontend asks). */
import { initAll } from "../vendor/govuk-frontend/govuk-frontend.min.js";

initAll();
