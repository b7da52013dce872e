//! The page that explains every flag in one sentence and the data model in a few.

use actix_web::{HttpRequest, HttpResponse};
use maud::html;

use super::texts::T;
use super::{layout, Ctx};
use crate::domain::flags::Flag;

pub async fn page(req: HttpRequest) -> HttpResponse {
    let ctx = Ctx::of(&req);
    let body = html! {
        h1 { (ctx.t(T::AboutTitle)) }
        p class="lead" { (ctx.t(T::AboutIntro)) }
        section aria-labelledby="flags-h" {
            h2 id="flags-h" { (ctx.t(T::FlagsHeading)) }
            dl class="flag-rules" {
                @for f in Flag::ALL {
                    dt id=(f.as_str()) { (f.label(ctx.lang)) " " code { (f.as_str()) } }
                    dd { (f.rule_in(ctx.lang)) }
                }
            }
        }
        section aria-labelledby="model-h" {
            h2 id="model-h" { (ctx.t(T::ModelHeading)) }
            @for t in [T::ModelService, T::ModelTerms, T::ModelCountries, T::ModelMunicipalities, T::ModelApi] {
                p { (ctx.t(t)) }
            }
            p { a href="/docs/" { (ctx.t(T::NavApi)) } }
        }
    };
    super::ok(
        &req,
        &ctx,
        layout::shell(&ctx, ctx.t(T::AboutTitle), Some("/openapi.json"), body),
    )
}
