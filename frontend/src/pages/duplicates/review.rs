//! The side-by-side comparison of a duplicate pair: one row per field with a radio on
//! each side choosing the value that survives, a choice of the lead that lives on, and
//! "Merge" (`leadMerge`). On success the page moves to the survivor, whose timeline
//! now shows the merge.

use std::collections::BTreeMap;

use yew::platform::spawn_local;
use yew::prelude::*;
use yew_router::prelude::*;

use crate::api::duplicates::{
    self, DuplicateLead, DuplicatePair, LeadMergeInput, MergeField, MergePick,
};
use crate::api::types::UserError;
use crate::api::{use_client, ApiError};
use crate::components::error_notice::ErrorNotice;
use crate::components::form::FormAlert;
use crate::i18n::{lead_field_key, use_i18n, user_error_key, Key};
use crate::routes::Route;

/// One of the two leads of the pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    A,
    B,
}

impl Side {
    fn as_str(self) -> &'static str {
        match self {
            Side::A => "a",
            Side::B => "b",
        }
    }
}

/// The merge a set of choices asks for.
#[derive(Debug, Clone, PartialEq)]
struct Choices {
    survivor: Side,
    picks: BTreeMap<MergeField, Side>,
}

impl Choices {
    /// Lead A lives on and keeps its values, except where only B has one.
    fn initial(pair: &DuplicatePair) -> Choices {
        let picks = MergeField::ALL
            .into_iter()
            .map(|f| {
                let side = if pair.a.value(f).is_none() && pair.b.value(f).is_some() {
                    Side::B
                } else {
                    Side::A
                };
                (f, side)
            })
            .collect();
        Choices {
            survivor: Side::A,
            picks,
        }
    }

    /// The `leadMerge` input; only fields whose values differ carry a pick.
    fn input(&self, pair: &DuplicatePair) -> LeadMergeInput {
        let lead = |side: Side| match side {
            Side::A => &pair.a,
            Side::B => &pair.b,
        };
        let other = match self.survivor {
            Side::A => Side::B,
            Side::B => Side::A,
        };
        LeadMergeInput {
            survivor_id: lead(self.survivor).id.clone(),
            merged_ids: vec![lead(other).id.clone()],
            picks: self
                .picks
                .iter()
                .filter(|(f, _)| pair.a.value(**f) != pair.b.value(**f))
                .map(|(f, side)| MergePick {
                    field: f.as_str().to_owned(),
                    from_lead_id: lead(*side).id.clone(),
                })
                .collect(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct MergeReviewProps {
    pub pair: DuplicatePair,
    pub on_close: Callback<()>,
}

#[component]
pub fn MergeReview(props: &MergeReviewProps) -> Html {
    let i18n = use_i18n();
    let client = use_client();
    let navigator = use_navigator();
    let choices = use_state(|| Choices::initial(&props.pair));
    let busy = use_state(|| false);
    let user_errors = use_state(Vec::<UserError>::new);
    let failure = use_state(|| None::<ApiError>);

    let pair = &props.pair;
    let choose = |change: Box<dyn Fn(&mut Choices)>| {
        let choices = choices.clone();
        Callback::from(move |_: Event| {
            let mut next = (*choices).clone();
            change(&mut next);
            choices.set(next);
        })
    };
    let merge = {
        let (busy, user_errors, failure) = (busy.clone(), user_errors.clone(), failure.clone());
        let input = choices.input(pair);
        Callback::from(move |_: MouseEvent| {
            if *busy {
                return;
            }
            busy.set(true);
            failure.set(None);
            let (client, busy, user_errors, failure, navigator, input) = (
                client.clone(),
                busy.clone(),
                user_errors.clone(),
                failure.clone(),
                navigator.clone(),
                input.clone(),
            );
            spawn_local(async move {
                let result = duplicates::merge(&client, &input).await;
                busy.set(false);
                match result {
                    Ok(payload) => match payload.lead {
                        Some(lead) if payload.user_errors.is_empty() => {
                            if let Some(navigator) = &navigator {
                                navigator.push(&Route::LeadDetail { id: lead.id });
                            }
                        }
                        _ => user_errors.set(payload.user_errors),
                    },
                    Err(err) => failure.set(Some(err)),
                }
            });
        })
    };
    let close = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };

    let value_cell = |field: MergeField, side: Side, lead: &DuplicateLead| {
        let value = lead.value(field);
        let checked = choices.picks.get(&field) == Some(&side);
        html! {
            <td class={classes!("merge-value", checked.then_some("is-picked"))}
                data-testid={format!("merge-value-{}-{}", field.as_str(), side.as_str())}>
                <label>
                    <input type="radio" name={format!("merge-{}", field.as_str())} {checked}
                           data-testid={format!("merge-pick-{}-{}", field.as_str(), side.as_str())}
                           onchange={choose(Box::new(move |c: &mut Choices| { c.picks.insert(field, side); }))} />
                    <span class={classes!(value.is_none().then_some("muted"))}>
                        { value.unwrap_or("—").to_owned() }
                    </span>
                </label>
            </td>
        }
    };
    let survivor_cell = |side: Side, label: Key| {
        html! {
            <th>
                <label class="merge-survivor">
                    <input type="radio" name="merge-survivor" checked={choices.survivor == side}
                           data-testid={format!("merge-survivor-{}", side.as_str())}
                           onchange={choose(Box::new(move |c: &mut Choices| c.survivor = side))} />
                    <span>
                        <strong>{ i18n.t(label) }</strong>
                        <span class="muted">{ i18n.t(Key::KeepLead) }</span>
                    </span>
                </label>
            </th>
        }
    };
    let messages: Vec<String> = user_errors
        .iter()
        .map(|e| {
            format!("{} {}", i18n.t(user_error_key(e.code)), e.message)
                .trim()
                .to_owned()
        })
        .collect();

    html! {
        <div class="dialog-backdrop">
            <div class="dialog dialog-wide" role="dialog" aria-modal="true" aria-labelledby="merge-title"
                 data-testid="merge-review">
                <header class="dialog-header">
                    <h2 id="merge-title" class="dialog-title">{ i18n.t(Key::MergeTitle) }</h2>
                    <p class="muted">{ i18n.t(Key::MergeHint) }</p>
                </header>
                <div class="dialog-body">
                    <FormAlert {messages} />
                    if let Some(err) = &*failure {
                        <ErrorNotice error={err.clone()} />
                    }
                    <table class="table merge-table">
                        <thead>
                            <tr>
                                <th>{ i18n.t(Key::MergeField) }</th>
                                { survivor_cell(Side::A, Key::LeadA) }
                                { survivor_cell(Side::B, Key::LeadB) }
                            </tr>
                        </thead>
                        <tbody>
                            { for MergeField::ALL.into_iter().map(|field| html! {
                                <tr>
                                    <th scope="row" class="merge-field">
                                        { lead_field_key(field.as_str()).map_or(field.as_str(), |k| i18n.t(k)) }
                                    </th>
                                    { value_cell(field, Side::A, &pair.a) }
                                    { value_cell(field, Side::B, &pair.b) }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                <footer class="dialog-footer">
                    <button type="button" class="btn btn-secondary" data-testid="merge-cancel" onclick={close}>
                        { i18n.t(Key::Cancel) }
                    </button>
                    <button type="button" class="btn btn-primary" data-testid="merge-submit"
                            disabled={*busy} aria-busy={busy.to_string()} onclick={merge}>
                        { i18n.t(if *busy { Key::Merging } else { Key::MergeLeads }) }
                    </button>
                </footer>
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::leads::DuplicateMatch;

    fn lead(id: &str, name: &str, phone: Option<&str>, email: Option<&str>) -> DuplicateLead {
        DuplicateLead {
            id: id.into(),
            person_name: name.into(),
            title: None,
            company: None,
            email: email.map(Into::into),
            phone: phone.map(Into::into),
            province: None,
            city: None,
            industry: None,
            created_at: String::new(),
        }
    }

    #[test]
    fn picks_start_with_a_and_fill_gaps_from_b_and_only_differences_are_sent() {
        let pair = DuplicatePair {
            reason: DuplicateMatch::Phone,
            a: lead("a", "王芳", Some("13800001111"), None),
            b: lead("b", "王芳芳", Some("13800001111"), Some("wf@example.cn")),
        };
        let mut choices = Choices::initial(&pair);
        assert_eq!(choices.picks[&MergeField::Email], Side::B);
        assert_eq!(choices.picks[&MergeField::PersonName], Side::A);
        choices.picks.insert(MergeField::PersonName, Side::B);
        let input = choices.input(&pair);
        assert_eq!(input.survivor_id, "a");
        assert_eq!(input.merged_ids, vec!["b".to_owned()]);
        let fields: Vec<_> = input
            .picks
            .iter()
            .map(|p| (p.field.as_str(), p.from_lead_id.as_str()))
            .collect();
        assert_eq!(fields, vec![("personName", "b"), ("email", "b")]);
    }
}
