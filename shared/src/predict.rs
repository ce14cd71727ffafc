//! Predictive lead score: the chance an open lead will be won, learned from the leads
//! this company has already closed, with the reasons spelled out.
//!
//! The rule score (`scoring`) says what marketing believes matters; this score says
//! what the company's own history shows matters. Sales managers see the two side by
//! side, and a rep sees *why* a lead looks promising instead of a bare number.
//!
//! How it fits together:
//!
//! - The server turns each closed lead into an [`Observation`]: categorical
//!   attributes (source, industry, province, [`TitleLevel`], [`CompanySize`]) and
//!   behaviour counts (page views, downloads, webinars, email clicks). It calls
//!   [`train`] on demand and nightly and stores the [`PredictiveModel`] as JSON.
//! - For every open lead it calls [`PredictiveModel::predict`] and stores the
//!   probability with the top contributing [`Factor`]s — "industry: 制造业",
//!   "webinars: 2", "pageViews: 0" — so the reasons survive until the next retrain.
//!   Bulk re-scoring can use the allocation-free [`PredictiveModel::probability`].
//! - Admins see the [`Evaluation`]: ROC AUC measured on leads the model never saw.
//! - With fewer than [`MIN_CLOSED_LEADS`] closed leads, or fewer than
//!   [`MIN_PER_OUTCOME`] won or lost, [`train`] refuses with a [`TrainError`] and
//!   the UI says there is not enough history rather than showing a guess.
//!
//! The model is logistic regression with an L2 penalty, fitted by Newton's method
//! with a backtracking line search. The problem is convex, so there is no learning
//! rate to tune and a given history always yields the same weights: closed leads are
//! sorted by their key before fitting, so even the order the database returns them
//! in does not matter. Nothing here reads a clock or the operating system's
//! randomness; the hold-out split hashes each lead's stable key, so a lead stays on
//! the same side of the split from one nightly retrain to the next.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{BuildHasherDefault, Hasher};

use serde::{Deserialize, Serialize};

/// Below this many closed leads the history says too little about this company's
/// buyers; the predictive score is withheld rather than guessed.
pub const MIN_CLOSED_LEADS: usize = 50;

/// Both outcomes must be represented: a model that has seen three wins cannot tell
/// what a win looks like.
pub const MIN_PER_OUTCOME: usize = 5;

/// How many reasons for and against a lead [`PredictiveModel::predict`] names.
pub const POSITIVE_FACTORS: usize = 3;
/// See [`POSITIVE_FACTORS`].
pub const NEGATIVE_FACTORS: usize = 2;

/// Contributions smaller than this (in log-odds) move the probability by well under
/// a percentage point; naming them would only add noise to the explanation.
const MIN_FACTOR_CONTRIBUTION: f64 = 0.01;

/// Bumped when the stored JSON changes shape, so an old model is rejected loudly and
/// retrained instead of being misread.
const MODEL_VERSION: u32 = 1;

/// The intercept is (almost) unpenalised: the base win rate is not something to
/// shrink, but a whisper of penalty keeps the Newton system strictly positive definite.
const INTERCEPT_PENALTY: f64 = 1e-6;

// ---------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------

/// What the model knows about one lead: attributes and behaviour counts.
///
/// Field names are free (`"industry"`, `"pageViews"`), but the server must use the
/// same names when training and when predicting. Each categorical pair becomes a
/// yes/no feature (`industry=制造业`); each count is squashed with `ln(1 + x)` so the
/// hundredth page view matters less than the first. A count that is absent is zero.
/// Blank values are ignored and surrounding whitespace is trimmed. List each count
/// once: an entry that appears twice counts twice.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub categorical: Vec<(String, String)>,
    pub numeric: Vec<(String, f64)>,
}

impl Observation {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an attribute such as `("industry", "制造业")`.
    pub fn category(mut self, field: impl Into<String>, value: impl Into<String>) -> Self {
        self.categorical.push((field.into(), value.into()));
        self
    }

    /// Adds a behaviour count such as `("webinars", 2.0)`.
    pub fn count(mut self, field: impl Into<String>, value: f64) -> Self {
        self.numeric.push((field.into(), value));
        self
    }
}

/// A closed lead as training material.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedLead {
    /// Stable, unique identity (the lead id). It decides which side of the hold-out
    /// split the lead falls on, so the same lead is always held out, retrain after
    /// retrain.
    pub key: String,
    pub observation: Observation,
    pub won: bool,
}

/// Knobs for [`train`]. The defaults suit a company with a few hundred to a few
/// hundred thousand closed leads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TrainOptions {
    /// Pull of every weight towards zero. Larger values trust the history less,
    /// which matters most for attributes only a handful of leads had. Must be > 0.
    pub l2: f64,
    /// Upper bound on Newton steps; the fit usually settles in about ten.
    pub max_iterations: u32,
    /// Attribute values seen on fewer closed leads than this are pooled into
    /// `<field>=other`: a single won lead from 西藏 is not evidence about 西藏.
    pub min_category_count: usize,
    /// At most this many distinct values per field keep their own weight (the most
    /// frequent ones); the rest are pooled into `<field>=other`. Bounds the model's
    /// size when a field has many values.
    pub max_levels_per_field: usize,
    /// Share of closed leads (in percent, 1–50) held out to measure accuracy.
    pub holdout_percent: u8,
}

impl Default for TrainOptions {
    fn default() -> Self {
        Self {
            l2: 1.0,
            max_iterations: 50,
            min_category_count: 5,
            max_levels_per_field: 50,
            holdout_percent: 20,
        }
    }
}

/// Why no model was trained.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TrainError {
    #[error(
        "not enough history: {closed} closed leads, the predictive score needs at least {needed}"
    )]
    NotEnoughHistory { closed: usize, needed: usize },
    #[error(
        "not enough history: {won} won and {lost} lost leads, the predictive score needs at least {needed} of each"
    )]
    NotEnoughOutcomes {
        won: usize,
        lost: usize,
        needed: usize,
    },
    #[error("invalid training options: {0}")]
    InvalidOptions(&'static str),
}

impl TrainError {
    /// True when the answer to show is "not enough history yet" rather than a fault.
    pub fn is_not_enough_history(&self) -> bool {
        matches!(
            self,
            TrainError::NotEnoughHistory { .. } | TrainError::NotEnoughOutcomes { .. }
        )
    }
}

// ---------------------------------------------------------------------------------
// Helpers the server uses to build observations
// ---------------------------------------------------------------------------------

/// Seniority read from a free-text job title, in Chinese or English.
///
/// Buying power tracks seniority far better than the exact title does, and there are
/// too many distinct titles for the model to learn each one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TitleLevel {
    /// 董事长, 总裁, 总经理, 创始人, CEO, CTO, Founder, President, Owner...
    Executive,
    /// 副总, 总监, 部长, VP, Director, Head of...
    Director,
    /// 经理, 主管, 主任, 组长, Manager, Supervisor, Team Lead...
    Manager,
    /// Any other title, including assistants (总经理助理 is not the 总经理).
    Staff,
    /// No title given.
    Unknown,
}

impl TitleLevel {
    pub const ALL: [TitleLevel; 5] = [
        TitleLevel::Executive,
        TitleLevel::Director,
        TitleLevel::Manager,
        TitleLevel::Staff,
        TitleLevel::Unknown,
    ];

    /// The value to put in an [`Observation`] (field `"titleLevel"`).
    pub fn as_str(self) -> &'static str {
        match self {
            TitleLevel::Executive => "executive",
            TitleLevel::Director => "director",
            TitleLevel::Manager => "manager",
            TitleLevel::Staff => "staff",
            TitleLevel::Unknown => "unknown",
        }
    }
}

/// Reads the seniority of a job title. See [`TitleLevel`].
pub fn title_level(title: &str) -> TitleLevel {
    let title = title.trim();
    if title.is_empty() {
        return TitleLevel::Unknown;
    }
    let lower = title.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() || !c.is_ascii())
        .filter(|w| !w.is_empty())
        .collect();
    let has_word = |candidates: &[&str]| words.iter().any(|w| candidates.contains(w));
    let has_phrase = |phrase: &[&str]| words.windows(phrase.len()).any(|w| w == phrase);
    let has_text = |candidates: &[&str]| candidates.iter().any(|c| title.contains(c));

    // Assistants first: 总经理助理 and "Assistant to the CEO" name a senior person
    // without being one.
    if has_text(&["助理"]) || has_word(&["assistant"]) {
        return TitleLevel::Staff;
    }
    // Deputies before executives: 副总裁 contains 总裁, "Vice President" contains
    // "President".
    if has_text(&["副总", "副董事长"])
        || has_word(&["vp", "svp", "evp", "avp"])
        || has_phrase(&["vice", "president"])
    {
        return TitleLevel::Director;
    }
    if has_text(&[
        "董事长",
        "总裁",
        "总经理",
        "首席",
        "创始人",
        "老板",
        "合伙人",
        "董事",
    ]) || has_word(&[
        "ceo",
        "cto",
        "cfo",
        "coo",
        "cio",
        "cmo",
        "cso",
        "chief",
        "president",
        "founder",
        "cofounder",
        "owner",
        "chairman",
        "chairwoman",
        "gm",
        "partner",
    ]) || has_phrase(&["general", "manager"])
        || has_phrase(&["managing", "director"])
    {
        return TitleLevel::Executive;
    }
    if has_text(&["总监", "部长"]) || has_word(&["director", "head"]) {
        return TitleLevel::Director;
    }
    if has_text(&["经理", "主管", "主任", "组长", "负责人"])
        || has_word(&["manager", "supervisor", "lead", "leader"])
    {
        return TitleLevel::Manager;
    }
    TitleLevel::Staff
}

/// Company size in employee bands, so the model learns "mid-sized firms buy" rather
/// than a weight per exact head count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CompanySize {
    UpTo10,
    From11To50,
    From51To200,
    From201To1000,
    From1001To5000,
    Over5000,
    Unknown,
}

impl CompanySize {
    pub const ALL: [CompanySize; 7] = [
        CompanySize::UpTo10,
        CompanySize::From11To50,
        CompanySize::From51To200,
        CompanySize::From201To1000,
        CompanySize::From1001To5000,
        CompanySize::Over5000,
        CompanySize::Unknown,
    ];

    /// The value to put in an [`Observation`] (field `"companySize"`).
    pub fn as_str(self) -> &'static str {
        match self {
            CompanySize::UpTo10 => "1-10",
            CompanySize::From11To50 => "11-50",
            CompanySize::From51To200 => "51-200",
            CompanySize::From201To1000 => "201-1000",
            CompanySize::From1001To5000 => "1001-5000",
            CompanySize::Over5000 => "5000+",
            CompanySize::Unknown => "unknown",
        }
    }
}

/// Puts an employee count into its band; missing or negative counts are `Unknown`.
pub fn company_size_bucket(employees: Option<i64>) -> CompanySize {
    match employees {
        None => CompanySize::Unknown,
        Some(n) if n < 0 => CompanySize::Unknown,
        Some(0..=10) => CompanySize::UpTo10,
        Some(11..=50) => CompanySize::From11To50,
        Some(51..=200) => CompanySize::From51To200,
        Some(201..=1000) => CompanySize::From201To1000,
        Some(1001..=5000) => CompanySize::From1001To5000,
        Some(_) => CompanySize::Over5000,
    }
}

// ---------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------

/// One reason behind a lead's predictive score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Factor {
    /// The model's feature: `industry=制造业`, `industry=other` for a pooled rare
    /// value, or `pageViews` for a count.
    pub feature: String,
    /// The field as the server named it, so the SPA can translate it ("行业").
    pub field: String,
    /// This lead's value, as shown to a rep ("制造业", "12").
    pub value: String,
    /// `field: value`, ready to show.
    pub label: String,
    /// How far this factor moves the lead's log-odds of winning compared with a
    /// typical lead: positive helps, negative hurts.
    pub contribution: f64,
}

/// A lead's predictive score and the reasons for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Prediction {
    /// Chance of winning, 0–1.
    pub probability: f64,
    /// Up to [`POSITIVE_FACTORS`] reasons for and [`NEGATIVE_FACTORS`] against, the
    /// strongest first.
    pub factors: Vec<Factor>,
}

/// How well the model did on closed leads it was not trained on; shown to admins.
///
/// A twin model is fitted on the training split with exactly the same procedure and
/// scored on the hold-out; the stored model is then refitted on all closed leads, so
/// it is, if anything, slightly better than the AUC says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::SimpleObject))]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// ROC AUC on the hold-out: the chance that a random won lead is scored above a
    /// random lost one. 0.5 is a coin toss, 1.0 perfect. `None` when the hold-out
    /// happened to contain only one outcome.
    pub auc: Option<f64>,
    /// Closed leads the twin model was fitted on.
    pub trained_on: usize,
    /// Closed leads held out to compute `auc`.
    pub held_out: usize,
    /// All closed leads; the stored model was fitted on every one of them.
    pub closed: usize,
    pub won: usize,
    /// Share of closed leads that were won: roughly the score of a lead with
    /// nothing to tell it apart.
    pub won_rate: f64,
}

// ---------------------------------------------------------------------------------
// Training
// ---------------------------------------------------------------------------------

/// Fits a predictive model on closed leads and measures it on a hold-out.
///
/// Refuses (with [`TrainError::is_not_enough_history`] true) when there are fewer than
/// [`MIN_CLOSED_LEADS`] closed leads or fewer than [`MIN_PER_OUTCOME`] won or lost.
pub fn train(closed: &[ClosedLead], options: &TrainOptions) -> Result<PredictiveModel, TrainError> {
    validate_options(options)?;
    if closed.len() < MIN_CLOSED_LEADS {
        return Err(TrainError::NotEnoughHistory {
            closed: closed.len(),
            needed: MIN_CLOSED_LEADS,
        });
    }
    let won = closed.iter().filter(|c| c.won).count();
    let lost = closed.len() - won;
    if won < MIN_PER_OUTCOME || lost < MIN_PER_OUTCOME {
        return Err(TrainError::NotEnoughOutcomes {
            won,
            lost,
            needed: MIN_PER_OUTCOME,
        });
    }

    // Sorting by key makes the result independent of the order the leads arrive in.
    let mut all: Vec<&ClosedLead> = closed.iter().collect();
    all.sort_by(|a, b| a.key.cmp(&b.key));
    let (held_out, training): (Vec<&ClosedLead>, Vec<&ClosedLead>) = all
        .iter()
        .copied()
        .partition(|c| is_held_out(&c.key, options.holdout_percent));

    let auc = if training.is_empty() {
        None
    } else {
        let twin = fit(&training, options);
        let scored: Vec<(f64, bool)> = held_out
            .iter()
            .map(|c| (twin.log_odds(&c.observation), c.won))
            .collect();
        roc_auc(&scored)
    };

    let evaluation = Evaluation {
        auc: auc.map(canonical),
        trained_on: training.len(),
        held_out: held_out.len(),
        closed: all.len(),
        won,
        won_rate: canonical(won as f64 / all.len() as f64),
    };
    let mut model = fit(&all, options);
    model.stored.evaluation = evaluation;
    Ok(model)
}

fn validate_options(options: &TrainOptions) -> Result<(), TrainError> {
    if !options.l2.is_finite() || options.l2 <= 0.0 {
        return Err(TrainError::InvalidOptions("l2 must be a positive number"));
    }
    if options.max_iterations == 0 {
        return Err(TrainError::InvalidOptions(
            "max_iterations must be at least 1",
        ));
    }
    if options.max_levels_per_field == 0 {
        return Err(TrainError::InvalidOptions(
            "max_levels_per_field must be at least 1",
        ));
    }
    if !(1..=50).contains(&options.holdout_percent) {
        return Err(TrainError::InvalidOptions(
            "holdout_percent must be between 1 and 50",
        ));
    }
    Ok(())
}

/// Whether a lead belongs to the hold-out: FNV-1a of its key, mixed so that
/// sequential ids spread evenly, modulo 100.
fn is_held_out(key: &str, percent: u8) -> bool {
    let mut hasher = Fnv1a::default();
    hasher.write(key.as_bytes());
    mix64(hasher.finish()) % 100 < u64::from(percent)
}

/// The feature space learned from a set of closed leads: which attribute values get
/// their own weight and how each count is centred and scaled.
struct Vocabulary {
    categorical: Vec<CategoricalColumns>,
    numeric: Vec<NumericColumn>,
    width: usize,
}

struct CategoricalColumns {
    field: String,
    /// Sorted by value; the column of `levels[i]` is `first + i`.
    levels: Vec<String>,
    first: usize,
    /// Column of `<field>=other`, when some values were pooled.
    other: Option<usize>,
}

struct NumericColumn {
    field: String,
    column: usize,
    mean: f64,
    scale: f64,
}

impl Vocabulary {
    fn learn(leads: &[&ClosedLead], options: &TrainOptions) -> Self {
        let mut value_counts: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
        let mut numeric_fields: BTreeSet<&str> = BTreeSet::new();
        for lead in leads {
            for (field, value) in &lead.observation.categorical {
                let (field, value) = (field.trim(), value.trim());
                if field.is_empty() || value.is_empty() {
                    continue;
                }
                *value_counts
                    .entry(field)
                    .or_default()
                    .entry(value)
                    .or_default() += 1;
            }
            for (field, _) in &lead.observation.numeric {
                let field = field.trim();
                if !field.is_empty() {
                    numeric_fields.insert(field);
                }
            }
        }

        let mut width = 1; // column 0 is the intercept
        let mut categorical = Vec::with_capacity(value_counts.len());
        for (field, counts) in value_counts {
            let mut frequent: Vec<(&str, usize)> = counts
                .iter()
                .filter(|(_, &n)| n >= options.min_category_count)
                .map(|(&v, &n)| (v, n))
                .collect();
            frequent.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            frequent.truncate(options.max_levels_per_field);
            let mut levels: Vec<String> = frequent.iter().map(|(v, _)| v.to_string()).collect();
            levels.sort();
            let pooled = counts.len() > levels.len();
            let first = width;
            width += levels.len();
            let other = pooled.then(|| {
                width += 1;
                width - 1
            });
            categorical.push(CategoricalColumns {
                field: field.to_string(),
                levels,
                first,
                other,
            });
        }

        let mut numeric = Vec::with_capacity(numeric_fields.len());
        for field in numeric_fields {
            let values: Vec<f64> = leads
                .iter()
                .map(|lead| squashed_count(&lead.observation, field))
                .collect();
            let n = values.len() as f64;
            let mean = values.iter().sum::<f64>() / n;
            let variance = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / n;
            let scale = variance.sqrt();
            // A count every lead shares says nothing about who wins.
            if scale > 1e-6 {
                numeric.push(NumericColumn {
                    field: field.to_string(),
                    column: width,
                    mean,
                    scale,
                });
                width += 1;
            }
        }

        Self {
            categorical,
            numeric,
            width,
        }
    }

    /// The lead's feature vector as sorted `(column, value)` pairs.
    fn row(&self, observation: &Observation) -> Vec<(usize, f64)> {
        let mut cells: BTreeMap<usize, f64> = BTreeMap::new();
        cells.insert(0, 1.0);
        for (field, value) in &observation.categorical {
            let (field, value) = (field.trim(), value.trim());
            if value.is_empty() {
                continue;
            }
            let Ok(i) = self
                .categorical
                .binary_search_by(|c| c.field.as_str().cmp(field))
            else {
                continue;
            };
            let columns = &self.categorical[i];
            let column = match columns.levels.binary_search_by(|l| l.as_str().cmp(value)) {
                Ok(j) => Some(columns.first + j),
                Err(_) => columns.other,
            };
            if let Some(column) = column {
                *cells.entry(column).or_default() += 1.0;
            }
        }
        for numeric in &self.numeric {
            let x = squashed_count(observation, &numeric.field);
            cells.insert(numeric.column, (x - numeric.mean) / numeric.scale);
        }
        cells.into_iter().collect()
    }
}

/// `sign(x)·ln(1 + |x|)` summed over the entries for `field`; non-finite values count
/// as zero so one corrupt event count cannot poison the model.
fn squashed_count(observation: &Observation, field: &str) -> f64 {
    observation
        .numeric
        .iter()
        .filter(|(f, _)| f.trim() == field)
        .map(|(_, x)| squash(*x))
        .sum()
}

fn squash(x: f64) -> f64 {
    if x.is_finite() {
        x.signum() * x.abs().ln_1p()
    } else {
        0.0
    }
}

fn fit(leads: &[&ClosedLead], options: &TrainOptions) -> PredictiveModel {
    let vocabulary = Vocabulary::learn(leads, options);
    let rows: Vec<Vec<(usize, f64)>> = leads
        .iter()
        .map(|lead| vocabulary.row(&lead.observation))
        .collect();
    let labels: Vec<bool> = leads.iter().map(|lead| lead.won).collect();
    let weights = newton_fit(&rows, &labels, vocabulary.width, options);

    let categorical = vocabulary
        .categorical
        .iter()
        .map(|c| StoredCategorical {
            field: c.field.clone(),
            levels: c
                .levels
                .iter()
                .enumerate()
                .map(|(j, level)| (level.clone(), canonical(weights[c.first + j])))
                .collect(),
            other: c.other.map(|column| canonical(weights[column])),
        })
        .collect();
    let numeric = vocabulary
        .numeric
        .iter()
        .map(|n| StoredNumeric {
            field: n.field.clone(),
            weight: canonical(weights[n.column]),
            mean: canonical(n.mean),
            scale: canonical(n.scale),
        })
        .collect();
    let won = labels.iter().filter(|&&w| w).count();
    PredictiveModel::from_stored(StoredModel {
        version: MODEL_VERSION,
        intercept: canonical(weights[0]),
        categorical,
        numeric,
        evaluation: Evaluation {
            auc: None,
            trained_on: leads.len(),
            held_out: 0,
            closed: leads.len(),
            won,
            won_rate: canonical(won as f64 / leads.len().max(1) as f64),
        },
    })
}

/// Rounds to 15 significant digits and flushes negligible values to zero, so that
/// every stored number prints as a short decimal that `serde_json` reads back to the
/// very same `f64`: a model loaded from the database is bit-for-bit the one trained.
fn canonical(x: f64) -> f64 {
    if !x.is_finite() || x.abs() < 1e-8 {
        return 0.0;
    }
    format!("{x:.14e}").parse().unwrap_or(0.0)
}

/// Penalised logistic regression by Newton's method. Minimises
/// `Σ [ln(1 + e^z) − y·z] + ½·λ·Σ w²` (intercept excepted), halving the step until
/// the objective drops enough, and stops when the step becomes negligible.
fn newton_fit(
    rows: &[Vec<(usize, f64)>],
    labels: &[bool],
    width: usize,
    options: &TrainOptions,
) -> Vec<f64> {
    let penalty: Vec<f64> = (0..width)
        .map(|j| {
            if j == 0 {
                INTERCEPT_PENALTY
            } else {
                options.l2
            }
        })
        .collect();
    let mut weights = vec![0.0; width];
    let won = labels.iter().filter(|&&w| w).count() as f64;
    let n = labels.len().max(1) as f64;
    let base_rate = ((won + 0.5) / (n + 1.0)).clamp(1e-6, 1.0 - 1e-6);
    weights[0] = (base_rate / (1.0 - base_rate)).ln();

    let objective = |w: &[f64]| -> f64 {
        let loss: f64 = rows
            .iter()
            .zip(labels)
            .map(|(row, &y)| {
                let z = dot(row, w);
                softplus(z) - if y { z } else { 0.0 }
            })
            .sum();
        let reg: f64 = w.iter().zip(&penalty).map(|(w, p)| 0.5 * p * w * w).sum();
        loss + reg
    };

    let mut current = objective(&weights);
    for _ in 0..options.max_iterations {
        let mut gradient: Vec<f64> = weights.iter().zip(&penalty).map(|(w, p)| p * w).collect();
        let mut hessian = vec![0.0; width * width];
        for (j, p) in penalty.iter().enumerate() {
            hessian[j * width + j] = *p;
        }
        for (row, &y) in rows.iter().zip(labels) {
            let p = sigmoid(dot(row, &weights));
            let residual = p - if y { 1.0 } else { 0.0 };
            let curvature = p * (1.0 - p);
            for (k, &(a, va)) in row.iter().enumerate() {
                gradient[a] += residual * va;
                for &(b, vb) in &row[..=k] {
                    hessian[a * width + b] += curvature * va * vb;
                }
            }
        }
        let Some(step) = cholesky_solve(&mut hessian, width, &gradient) else {
            break;
        };
        let slope: f64 = gradient.iter().zip(&step).map(|(g, s)| g * s).sum();
        if slope.is_nan() || slope <= 0.0 {
            break;
        }

        let mut t = 1.0;
        let mut accepted = None;
        for _ in 0..30 {
            let candidate: Vec<f64> = weights.iter().zip(&step).map(|(w, s)| w - t * s).collect();
            let value = objective(&candidate);
            if value.is_finite() && value <= current - 1e-4 * t * slope {
                accepted = Some((candidate, value));
                break;
            }
            t *= 0.5;
        }
        let Some((candidate, value)) = accepted else {
            break;
        };
        let largest_move = step.iter().fold(0.0_f64, |m, s| m.max((t * s).abs()));
        weights = candidate;
        current = value;
        if largest_move < 1e-9 {
            break;
        }
    }
    weights
}

fn dot(row: &[(usize, f64)], weights: &[f64]) -> f64 {
    row.iter().map(|&(j, v)| weights[j] * v).sum()
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `ln(1 + e^z)` without overflow.
fn softplus(z: f64) -> f64 {
    z.max(0.0) + (-z.abs()).exp().ln_1p()
}

/// Solves `A·x = b` for a symmetric positive definite `A` given by its lower triangle
/// (row-major, `n × n`); `A` is overwritten by its Cholesky factor. `None` when `A`
/// is not numerically positive definite.
fn cholesky_solve(a: &mut [f64], n: usize, b: &[f64]) -> Option<Vec<f64>> {
    let mut row_j = vec![0.0; n];
    for j in 0..n {
        let diagonal = a[j * n + j] - a[j * n..j * n + j].iter().map(|v| v * v).sum::<f64>();
        if !diagonal.is_finite() || diagonal <= 0.0 {
            return None;
        }
        let diagonal = diagonal.sqrt();
        a[j * n + j] = diagonal;
        row_j[..j].copy_from_slice(&a[j * n..j * n + j]);
        for i in (j + 1)..n {
            let row_i = &mut a[i * n..i * n + j + 1];
            let s = row_i[j]
                - row_i[..j]
                    .iter()
                    .zip(&row_j[..j])
                    .map(|(x, y)| x * y)
                    .sum::<f64>();
            row_i[j] = s / diagonal;
        }
    }
    // Forward substitution L·y = b, then back substitution Lᵀ·x = y.
    let mut x = b.to_vec();
    for i in 0..n {
        let s: f64 = a[i * n..i * n + i]
            .iter()
            .zip(&x[..i])
            .map(|(l, x)| l * x)
            .sum();
        x[i] = (x[i] - s) / a[i * n + i];
    }
    for i in (0..n).rev() {
        let s: f64 = ((i + 1)..n).map(|k| a[k * n + i] * x[k]).sum();
        x[i] = (x[i] - s) / a[i * n + i];
    }
    Some(x)
}

// ---------------------------------------------------------------------------------
// The trained model
// ---------------------------------------------------------------------------------

/// A trained predictive model. Stored as JSON; scoring a lead is a handful of hash
/// lookups, so re-scoring every open lead after a retrain is cheap.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(try_from = "StoredModel", into = "StoredModel")]
pub struct PredictiveModel {
    stored: StoredModel,
    lookup: Lookup,
}

impl PartialEq for PredictiveModel {
    fn eq(&self, other: &Self) -> bool {
        self.stored == other.stored
    }
}

/// The JSON shape. Everything is in sorted order so the same model always
/// serialises to the same bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredModel {
    version: u32,
    intercept: f64,
    categorical: Vec<StoredCategorical>,
    numeric: Vec<StoredNumeric>,
    evaluation: Evaluation,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredCategorical {
    field: String,
    levels: BTreeMap<String, f64>,
    /// Weight of the pooled rare values, also used for values first seen after training.
    other: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredNumeric {
    field: String,
    weight: f64,
    /// Mean and standard deviation of the squashed count over the training leads.
    mean: f64,
    scale: f64,
}

impl From<PredictiveModel> for StoredModel {
    fn from(model: PredictiveModel) -> Self {
        model.stored
    }
}

impl TryFrom<StoredModel> for PredictiveModel {
    type Error = String;

    fn try_from(stored: StoredModel) -> Result<Self, Self::Error> {
        if stored.version != MODEL_VERSION {
            return Err(format!(
                "predictive model version {} is not supported (expected {MODEL_VERSION}); retrain it",
                stored.version
            ));
        }
        let weights_finite = stored.intercept.is_finite()
            && stored
                .categorical
                .iter()
                .all(|c| c.levels.values().chain(&c.other).all(|w| w.is_finite()))
            && stored
                .numeric
                .iter()
                .all(|n| n.weight.is_finite() && n.mean.is_finite() && n.scale.is_finite());
        if !weights_finite {
            return Err("predictive model has a non-finite weight".to_string());
        }
        if stored.numeric.iter().any(|n| n.scale <= 0.0) {
            return Err("predictive model has a non-positive count scale".to_string());
        }
        let mut fields: Vec<&str> = stored
            .categorical
            .iter()
            .map(|c| c.field.as_str())
            .chain(stored.numeric.iter().map(|n| n.field.as_str()))
            .collect();
        fields.sort_unstable();
        if fields.windows(2).any(|w| w[0] == w[1]) {
            return Err("predictive model lists a field twice".to_string());
        }
        Ok(Self::from_stored(stored))
    }
}

type FnvMap<V> = HashMap<String, V, BuildHasherDefault<Fnv1a>>;

/// Precomputed for fast scoring: weights by name, with the numeric centring folded
/// into the base.
#[derive(Debug, Clone)]
struct Lookup {
    /// Log-odds of a lead with no attributes and every count at zero.
    base: f64,
    categorical: FnvMap<CategoricalLookup>,
    /// `weight / scale` per count field.
    numeric: FnvMap<f64>,
}

#[derive(Debug, Clone)]
struct CategoricalLookup {
    levels: FnvMap<f64>,
    other: Option<f64>,
}

impl PredictiveModel {
    fn from_stored(stored: StoredModel) -> Self {
        let base = stored.intercept
            - stored
                .numeric
                .iter()
                .map(|n| n.weight * n.mean / n.scale)
                .sum::<f64>();
        let categorical = stored
            .categorical
            .iter()
            .map(|c| {
                let levels = c.levels.iter().map(|(v, w)| (v.clone(), *w)).collect();
                (
                    c.field.clone(),
                    CategoricalLookup {
                        levels,
                        other: c.other,
                    },
                )
            })
            .collect();
        let numeric = stored
            .numeric
            .iter()
            .map(|n| (n.field.clone(), n.weight / n.scale))
            .collect();
        let lookup = Lookup {
            base,
            categorical,
            numeric,
        };
        Self { stored, lookup }
    }

    /// Hold-out accuracy and the size of the history, for the admin page.
    pub fn evaluation(&self) -> &Evaluation {
        &self.stored.evaluation
    }

    /// Chance of winning, 0–1, without the explanation. Allocates nothing; use it
    /// for bulk re-scoring and sorting.
    pub fn probability(&self, observation: &Observation) -> f64 {
        sigmoid(self.log_odds(observation))
    }

    /// Chance of winning with the strongest reasons for and against, for storing on
    /// the lead and showing to its rep.
    pub fn predict(&self, observation: &Observation) -> Prediction {
        // Strings are only built for the handful of factors finally named.
        let mut candidates: Vec<Candidate<'_>> =
            Vec::with_capacity(observation.categorical.len() + self.stored.numeric.len());
        for (field, value) in &observation.categorical {
            let (field, value) = (field.trim(), value.trim());
            if value.is_empty() {
                continue;
            }
            let Some(columns) = self.lookup.categorical.get(field) else {
                continue;
            };
            let (shown, weight) = match columns.levels.get(value) {
                Some(&w) => (Shown::Level(value), w),
                None => match columns.other {
                    Some(w) => (Shown::Pooled(value), w),
                    None => continue,
                },
            };
            candidates.push(Candidate {
                field,
                shown,
                contribution: weight,
            });
        }
        // An attribute listed twice counts twice (as in `probability`) but is one reason.
        candidates.sort_by(|a, b| a.key().cmp(&b.key()));
        candidates.dedup_by(|later, kept| {
            let same = later.key() == kept.key();
            if same {
                kept.contribution += later.contribution;
            }
            same
        });
        for numeric in &self.stored.numeric {
            let field = numeric.field.as_str();
            let (mut raw, mut squashed) = (0.0, 0.0);
            for (f, x) in &observation.numeric {
                if x.is_finite() && f.trim() == field {
                    raw += x;
                    squashed += squash(*x);
                }
            }
            candidates.push(Candidate {
                field,
                shown: Shown::Count(raw),
                contribution: numeric.weight * (squashed - numeric.mean) / numeric.scale,
            });
        }

        // Strongest first; the first few on each side are the ones named.
        candidates.sort_by(|a, b| {
            b.contribution
                .abs()
                .total_cmp(&a.contribution.abs())
                .then_with(|| a.key().cmp(&b.key()))
        });
        let (mut positive, mut negative) = (0, 0);
        let factors = candidates
            .iter()
            .filter(|c| {
                if c.contribution >= MIN_FACTOR_CONTRIBUTION {
                    positive += 1;
                    positive <= POSITIVE_FACTORS
                } else if c.contribution <= -MIN_FACTOR_CONTRIBUTION {
                    negative += 1;
                    negative <= NEGATIVE_FACTORS
                } else {
                    false
                }
            })
            .map(Candidate::to_factor)
            .collect();
        Prediction {
            probability: self.probability(observation),
            factors,
        }
    }

    fn log_odds(&self, observation: &Observation) -> f64 {
        let mut z = self.lookup.base;
        for (field, value) in &observation.categorical {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            if let Some(columns) = self.lookup.categorical.get(field.trim()) {
                if let Some(w) = columns.levels.get(value).copied().or(columns.other) {
                    z += w;
                }
            }
        }
        for (field, x) in &observation.numeric {
            if let Some(k) = self.lookup.numeric.get(field.trim()) {
                z += k * squash(*x);
            }
        }
        z
    }
}

/// A possible reason, before it is known whether it is strong enough to be named.
struct Candidate<'a> {
    field: &'a str,
    shown: Shown<'a>,
    contribution: f64,
}

#[derive(Clone, Copy)]
enum Shown<'a> {
    /// An attribute value with its own weight.
    Level(&'a str),
    /// An attribute value pooled into `<field>=other`; the lead's own value is shown.
    Pooled(&'a str),
    /// A count (the raw total, before squashing).
    Count(f64),
}

impl<'a> Candidate<'a> {
    /// Identifies the feature; also the deterministic tie-break between equal
    /// contributions.
    fn key(&self) -> (&'a str, u8, &'a str) {
        match self.shown {
            Shown::Level(value) => (self.field, 0, value),
            Shown::Pooled(_) => (self.field, 1, ""),
            Shown::Count(_) => (self.field, 2, ""),
        }
    }

    fn to_factor(&self) -> Factor {
        let field = self.field;
        let (feature, value) = match self.shown {
            Shown::Level(value) => (format!("{field}={value}"), value.to_string()),
            Shown::Pooled(value) => (format!("{field}=other"), value.to_string()),
            Shown::Count(raw) => (field.to_string(), format_count(raw)),
        };
        Factor {
            label: format!("{field}: {value}"),
            feature,
            field: field.to_string(),
            value,
            contribution: self.contribution,
        }
    }
}

/// Counts are shown as whole numbers when they are whole ("12", not "12.0").
fn format_count(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        let text = format!("{x:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    }
}

// ---------------------------------------------------------------------------------
// Accuracy
// ---------------------------------------------------------------------------------

/// ROC AUC of `(score, won)` pairs by the rank (Mann–Whitney) method: the chance a
/// random won lead outscores a random lost one, ties counting half. `None` unless
/// both outcomes are present.
pub fn roc_auc(scored: &[(f64, bool)]) -> Option<f64> {
    let positives = scored.iter().filter(|(_, won)| *won).count();
    let negatives = scored.len() - positives;
    if positives == 0 || negatives == 0 {
        return None;
    }
    // `+ 0.0` turns -0.0 into 0.0 so the two tie.
    let mut order: Vec<(f64, bool)> = scored.iter().map(|&(s, w)| (s + 0.0, w)).collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));

    let mut positive_rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        let score = order[start].0;
        let end = start
            + order[start..]
                .iter()
                .take_while(|(s, _)| s.total_cmp(&score).is_eq())
                .count();
        // Ranks start..end (1-based start+1..=end) share their average.
        let average_rank = (start + 1 + end) as f64 / 2.0;
        let tied_positives = order[start..end].iter().filter(|(_, w)| *w).count();
        positive_rank_sum += average_rank * tied_positives as f64;
        start = end;
    }
    let (p, n) = (positives as f64, negatives as f64);
    Some((positive_rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

// ---------------------------------------------------------------------------------
// Hashing
// ---------------------------------------------------------------------------------

/// FNV-1a: tiny, fast on short keys, and — unlike the standard library's default —
/// the same in every process, so nothing depends on the operating system's randomness.
#[derive(Debug, Clone, Copy)]
struct Fnv1a(u64);

impl Default for Fnv1a {
    fn default() -> Self {
        Fnv1a(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv1a {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
}

/// Murmur3's finaliser: spreads FNV's weakly mixed low bits before `% 100`.
fn mix64(mut z: u64) -> u64 {
    z ^= z >> 33;
    z = z.wrapping_mul(0xff51_afd7_ed55_8ccd);
    z ^= z >> 33;
    z = z.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    z ^ (z >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Marsaglia's xorshift64: enough randomness for synthetic history, and the same
    /// sequence on every machine.
    struct XorShift(u64);

    impl XorShift {
        fn next(&mut self) -> u64 {
            let mut x = self.0;
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            self.0 = x;
            x
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn chance(&mut self, p: f64) -> bool {
            ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len() as u64) as usize]
        }
    }

    /// Closed leads where manufacturers (制造业) who attended a webinar win 80% of the
    /// time and everyone else 20%; source, province, title, page views and email
    /// clicks are noise. Returns each lead with whether it carries the planted signal.
    fn synthetic_history(n: usize, seed: u64) -> Vec<(ClosedLead, bool)> {
        let mut rng = XorShift(seed);
        (0..n)
            .map(|i| {
                let industry = if rng.chance(0.5) {
                    "制造业"
                } else {
                    rng.pick(&["软件", "零售", "教育", "金融"])
                };
                let webinars = rng.below(4) as f64;
                let planted = industry == "制造业" && webinars >= 1.0;
                let won = rng.chance(if planted { 0.8 } else { 0.2 });
                let title = rng.pick(&["总经理", "销售总监", "采购经理", "工程师"]);
                let observation = Observation::new()
                    .category("industry", industry)
                    .category(
                        "source",
                        rng.pick(&["web_form", "trade_show", "referral", "cold_call"]),
                    )
                    .category(
                        "province",
                        rng.pick(&["广东", "浙江", "江苏", "北京", "上海", "四川"]),
                    )
                    .category("titleLevel", title_level(title).as_str())
                    .count("webinars", webinars)
                    .count("pageViews", rng.below(30) as f64)
                    .count("emailClicks", rng.below(5) as f64);
                let lead = ClosedLead {
                    key: format!("lead-{seed}-{i:05}"),
                    observation,
                    won,
                };
                (lead, planted)
            })
            .collect()
    }

    fn closed_leads(n: usize, seed: u64) -> Vec<ClosedLead> {
        synthetic_history(n, seed)
            .into_iter()
            .map(|(lead, _)| lead)
            .collect()
    }

    /// 2,000 closed leads put about 400 in the hold-out: enough that its AUC sits
    /// near the ~0.79 this history allows rather than wherever a small sample lands.
    fn trained_model() -> PredictiveModel {
        train(&closed_leads(2_000, 0x5eed), &TrainOptions::default()).expect("enough history")
    }

    #[test]
    fn planted_signal_ranks_planted_leads_higher() {
        let model = trained_model();
        let evaluation = model.evaluation();
        let auc = evaluation.auc.expect("both outcomes in the hold-out");
        assert!(auc > 0.7, "hold-out AUC {auc}");
        assert_eq!(evaluation.closed, 2_000);
        assert_eq!(evaluation.trained_on + evaluation.held_out, 2_000);
        assert!(
            (340..=460).contains(&evaluation.held_out),
            "held out {}",
            evaluation.held_out
        );
        assert!(evaluation.won_rate > 0.2 && evaluation.won_rate < 0.6);

        // Fresh leads from the same process, none of them trained on.
        let fresh = synthetic_history(400, 0xfeed);
        let mean = |planted: bool| {
            let probabilities: Vec<f64> = fresh
                .iter()
                .filter(|(_, p)| *p == planted)
                .map(|(lead, _)| model.probability(&lead.observation))
                .collect();
            probabilities.iter().sum::<f64>() / probabilities.len() as f64
        };
        let (planted, unplanted) = (mean(true), mean(false));
        assert!(
            planted > unplanted + 0.25,
            "planted {planted:.3} vs unplanted {unplanted:.3}"
        );

        let scored: Vec<(f64, bool)> = fresh
            .iter()
            .map(|(lead, _)| (model.probability(&lead.observation), lead.won))
            .collect();
        let fresh_auc = roc_auc(&scored).expect("both outcomes");
        assert!(fresh_auc > 0.7, "AUC on fresh leads {fresh_auc}");
    }

    #[test]
    fn explanation_names_the_planted_feature() {
        let model = trained_model();
        let fresh = synthetic_history(200, 0xfeed);
        let planted: Vec<&ClosedLead> = fresh
            .iter()
            .filter(|(_, p)| *p)
            .map(|(lead, _)| lead)
            .collect();
        assert!(!planted.is_empty());
        for lead in planted {
            let prediction = model.predict(&lead.observation);
            let top = &prediction.factors[0];
            assert!(top.contribution > 0.0, "{:?}", prediction.factors);
            assert!(
                top.feature == "industry=制造业" || top.feature == "webinars",
                "top factor {:?}",
                prediction.factors
            );
            if top.feature == "industry=制造业" {
                assert_eq!(top.label, "industry: 制造业");
                assert_eq!(
                    (top.field.as_str(), top.value.as_str()),
                    ("industry", "制造业")
                );
            }
            assert_eq!(prediction.probability, model.probability(&lead.observation));
        }
    }

    #[test]
    fn factors_are_few_and_strongest_first() {
        let model = trained_model();
        for (lead, _) in synthetic_history(100, 7) {
            let factors = model.predict(&lead.observation).factors;
            let positive = factors.iter().filter(|f| f.contribution > 0.0).count();
            let negative = factors.iter().filter(|f| f.contribution < 0.0).count();
            assert!(positive <= POSITIVE_FACTORS && negative <= NEGATIVE_FACTORS);
            assert!(factors
                .windows(2)
                .all(|w| w[0].contribution.abs() >= w[1].contribution.abs()));
            assert!(factors
                .iter()
                .all(|f| f.contribution.abs() >= MIN_FACTOR_CONTRIBUTION));
            assert!(factors
                .iter()
                .all(|f| f.label == format!("{}: {}", f.field, f.value)));
        }
        // A lead that never came to a webinar hears about it.
        let no_webinar = Observation::new()
            .category("industry", "零售")
            .count("webinars", 0.0);
        let factors = model.predict(&no_webinar).factors;
        let webinars = factors
            .iter()
            .find(|f| f.feature == "webinars")
            .expect("webinars named");
        assert!(webinars.contribution < 0.0);
        assert_eq!(webinars.label, "webinars: 0");
    }

    #[test]
    fn refuses_with_too_little_history() {
        let err = train(&closed_leads(49, 1), &TrainOptions::default()).unwrap_err();
        assert_eq!(
            err,
            TrainError::NotEnoughHistory {
                closed: 49,
                needed: MIN_CLOSED_LEADS
            }
        );
        assert!(err.is_not_enough_history());
        assert!(err.to_string().contains("not enough history"));

        let err = train(&[], &TrainOptions::default()).unwrap_err();
        assert_eq!(
            err,
            TrainError::NotEnoughHistory {
                closed: 0,
                needed: MIN_CLOSED_LEADS
            }
        );
        assert!(train(&closed_leads(50, 1), &TrainOptions::default()).is_ok());
    }

    #[test]
    fn refuses_when_an_outcome_is_missing_or_rare() {
        let mut all_lost = closed_leads(200, 2);
        all_lost.iter_mut().for_each(|lead| lead.won = false);
        let err = train(&all_lost, &TrainOptions::default()).unwrap_err();
        assert_eq!(
            err,
            TrainError::NotEnoughOutcomes {
                won: 0,
                lost: 200,
                needed: MIN_PER_OUTCOME
            }
        );
        assert!(err.is_not_enough_history());

        let mut four_won = all_lost;
        four_won.iter_mut().take(4).for_each(|lead| lead.won = true);
        assert!(matches!(
            train(&four_won, &TrainOptions::default()),
            Err(TrainError::NotEnoughOutcomes {
                won: 4,
                lost: 196,
                ..
            })
        ));
        four_won[4].won = true;
        assert!(train(&four_won, &TrainOptions::default()).is_ok());
    }

    #[test]
    fn rejects_nonsense_options() {
        let leads = closed_leads(100, 3);
        let bad = [
            TrainOptions {
                l2: 0.0,
                ..TrainOptions::default()
            },
            TrainOptions {
                l2: f64::NAN,
                ..TrainOptions::default()
            },
            TrainOptions {
                max_iterations: 0,
                ..TrainOptions::default()
            },
            TrainOptions {
                max_levels_per_field: 0,
                ..TrainOptions::default()
            },
            TrainOptions {
                holdout_percent: 0,
                ..TrainOptions::default()
            },
            TrainOptions {
                holdout_percent: 51,
                ..TrainOptions::default()
            },
        ];
        for options in bad {
            assert!(
                matches!(train(&leads, &options), Err(TrainError::InvalidOptions(_))),
                "{options:?}"
            );
        }
    }

    #[test]
    fn auc_table() {
        type Case = (&'static [(f64, bool)], Option<f64>);
        let cases: [Case; 8] = [
            (
                &[(0.1, false), (0.4, false), (0.6, true), (0.9, true)],
                Some(1.0),
            ),
            (
                &[(0.9, false), (0.6, false), (0.4, true), (0.1, true)],
                Some(0.0),
            ),
            (
                &[(0.5, true), (0.5, false), (0.5, true), (0.5, false)],
                Some(0.5),
            ),
            (
                &[(0.1, false), (0.5, true), (0.5, false), (0.9, true)],
                Some(0.875),
            ),
            (&[(0.0, true), (-0.0, false)], Some(0.5)),
            (&[(0.3, true), (0.7, true)], None),
            (&[(0.3, false)], None),
            (&[], None),
        ];
        for (scored, expected) in cases {
            assert_eq!(roc_auc(scored), expected, "{scored:?}");
        }
    }

    #[test]
    fn serde_round_trip_keeps_the_model() {
        let model = trained_model();
        let json = serde_json::to_string(&model).unwrap();
        let back: PredictiveModel = serde_json::from_str(&json).unwrap();
        assert_eq!(back, model);
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
        for lead in closed_leads(50, 9) {
            assert_eq!(
                back.predict(&lead.observation),
                model.predict(&lead.observation)
            );
        }

        let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
        value["version"] = serde_json::json!(MODEL_VERSION + 1);
        let err = serde_json::from_value::<PredictiveModel>(value).unwrap_err();
        assert!(err.to_string().contains("retrain"), "{err}");
    }

    #[test]
    fn training_is_deterministic_and_order_independent() {
        let leads = closed_leads(300, 11);
        let first =
            serde_json::to_string(&train(&leads, &TrainOptions::default()).unwrap()).unwrap();
        let second =
            serde_json::to_string(&train(&leads, &TrainOptions::default()).unwrap()).unwrap();
        assert_eq!(first, second);

        let mut reversed = leads;
        reversed.reverse();
        let third =
            serde_json::to_string(&train(&reversed, &TrainOptions::default()).unwrap()).unwrap();
        assert_eq!(first, third);
    }

    #[test]
    fn rare_and_unseen_values_share_the_pooled_weight() {
        let mut leads = closed_leads(300, 12);
        for (i, lead) in leads.iter_mut().take(3).enumerate() {
            lead.observation.categorical[0].1 = format!("稀有行业{i}");
        }
        let model = train(&leads, &TrainOptions::default()).unwrap();
        let json: serde_json::Value = serde_json::to_value(&model).unwrap();
        let industry = json["categorical"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["field"] == "industry")
            .unwrap();
        assert!(industry["other"].is_f64());
        assert!(industry["levels"].get("稀有行业0").is_none());

        let with = |industry: &str| Observation::new().category("industry", industry);
        assert_eq!(
            model.probability(&with("稀有行业0")),
            model.probability(&with("从未见过的行业"))
        );
        // Fields the model never saw, and blank values, change nothing.
        let plain = Observation::new().count("webinars", 1.0);
        let noisy = plain
            .clone()
            .category("favouriteColour", "red")
            .category("industry", "  ")
            .count("unknownCount", 7.0);
        assert_eq!(model.probability(&plain), model.probability(&noisy));
        // Whitespace around names and values is not a different value.
        assert_eq!(
            model.probability(&with("制造业")),
            model.probability(&with(" 制造业 "))
        );
        // A corrupt count is a zero count.
        assert_eq!(
            model.probability(&Observation::new().count("webinars", f64::NAN)),
            model.probability(&Observation::new().count("webinars", 0.0))
        );
    }

    #[test]
    fn hold_out_split_is_stable_and_about_a_fifth() {
        let held = (0..10_000)
            .filter(|i| is_held_out(&format!("{i}"), 20))
            .count();
        assert!((1_800..=2_200).contains(&held), "{held}");
        assert_eq!(is_held_out("lead-42", 20), is_held_out("lead-42", 20));
        assert!((0..1_000).all(|i| !is_held_out(&format!("{i}"), 0)));
    }

    #[test]
    fn title_levels() {
        let cases = [
            ("董事长", TitleLevel::Executive),
            ("总裁", TitleLevel::Executive),
            ("总经理", TitleLevel::Executive),
            ("联合创始人", TitleLevel::Executive),
            ("CEO", TitleLevel::Executive),
            ("Co-Founder & CTO", TitleLevel::Executive),
            ("General Manager, APAC", TitleLevel::Executive),
            ("Founder", TitleLevel::Executive),
            ("副总裁", TitleLevel::Director),
            ("副总经理", TitleLevel::Director),
            ("销售总监", TitleLevel::Director),
            ("VP of Sales", TitleLevel::Director),
            ("Vice President, Marketing", TitleLevel::Director),
            ("Director of IT", TitleLevel::Director),
            ("Head of Procurement", TitleLevel::Director),
            ("采购经理", TitleLevel::Manager),
            ("生产主管", TitleLevel::Manager),
            ("Product Manager", TitleLevel::Manager),
            ("Team Lead", TitleLevel::Manager),
            ("总经理助理", TitleLevel::Staff),
            ("Assistant to the CEO", TitleLevel::Staff),
            ("工程师", TitleLevel::Staff),
            ("Software Engineer", TitleLevel::Staff),
            ("Leadership coach", TitleLevel::Staff),
            ("", TitleLevel::Unknown),
            ("   ", TitleLevel::Unknown),
        ];
        for (title, level) in cases {
            assert_eq!(title_level(title), level, "{title:?}");
        }
        let names: Vec<&str> = TitleLevel::ALL.iter().map(|l| l.as_str()).collect();
        assert_eq!(
            names,
            ["executive", "director", "manager", "staff", "unknown"]
        );
    }

    #[test]
    fn company_size_buckets() {
        let cases = [
            (None, "unknown"),
            (Some(-3), "unknown"),
            (Some(0), "1-10"),
            (Some(10), "1-10"),
            (Some(11), "11-50"),
            (Some(200), "51-200"),
            (Some(201), "201-1000"),
            (Some(1000), "201-1000"),
            (Some(5000), "1001-5000"),
            (Some(5001), "5000+"),
        ];
        for (employees, bucket) in cases {
            assert_eq!(
                company_size_bucket(employees).as_str(),
                bucket,
                "{employees:?}"
            );
        }
    }

    #[test]
    fn counts_read_naturally() {
        assert_eq!(format_count(12.0), "12");
        assert_eq!(format_count(0.0), "0");
        assert_eq!(format_count(2.5), "2.5");
        assert_eq!(format_count(1.0 / 3.0), "0.33");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;
        use std::sync::OnceLock;

        fn model() -> &'static PredictiveModel {
            static MODEL: OnceLock<PredictiveModel> = OnceLock::new();
            MODEL.get_or_init(|| {
                train(&closed_leads(300, 21), &TrainOptions::default()).expect("enough history")
            })
        }

        fn any_count() -> impl Strategy<Value = f64> {
            prop_oneof![
                (0u32..1_000).prop_map(f64::from),
                any::<f64>(),
                Just(f64::NAN),
                Just(f64::INFINITY),
            ]
        }

        fn any_observation() -> impl Strategy<Value = Observation> {
            let field = prop_oneof![
                Just("industry".to_string()),
                Just("province".to_string()),
                Just("webinars".to_string()),
                Just("pageViews".to_string()),
                "\\PC{0,8}",
            ];
            let value = prop_oneof![
                Just("制造业".to_string()),
                Just("广东".to_string()),
                "\\PC{0,8}",
            ];
            (
                prop::collection::vec((field.clone(), value), 0..8),
                prop::collection::vec((field, any_count()), 0..8),
            )
                .prop_map(|(categorical, numeric)| Observation {
                    categorical,
                    numeric,
                })
        }

        proptest! {
            #[test]
            fn auc_matches_counting_every_pair(
                scored in prop::collection::vec((0u8..8, any::<bool>()), 0..40)
            ) {
                let scored: Vec<(f64, bool)> =
                    scored.into_iter().map(|(s, w)| (f64::from(s), w)).collect();
                let mut wins = 0.0;
                let mut pairs = 0.0;
                for &(won_score, _) in scored.iter().filter(|(_, w)| *w) {
                    for &(lost_score, _) in scored.iter().filter(|(_, w)| !*w) {
                        pairs += 1.0;
                        if won_score > lost_score {
                            wins += 1.0;
                        } else if won_score == lost_score {
                            wins += 0.5;
                        }
                    }
                }
                match roc_auc(&scored) {
                    None => prop_assert_eq!(pairs, 0.0),
                    Some(auc) => {
                        prop_assert!((auc - wins / pairs).abs() < 1e-12);
                        let flipped: Vec<(f64, bool)> =
                            scored.iter().map(|&(s, w)| (-s, w)).collect();
                        let flipped_auc = roc_auc(&flipped).unwrap_or(f64::NAN);
                        prop_assert!((auc + flipped_auc - 1.0).abs() < 1e-12);
                    }
                }
            }

            #[test]
            fn any_lead_gets_a_sane_score(observation in any_observation()) {
                let model = model();
                let probability = model.probability(&observation);
                prop_assert!((0.0..=1.0).contains(&probability));
                let prediction = model.predict(&observation);
                prop_assert_eq!(prediction.probability.to_bits(), probability.to_bits());
                let positive = prediction.factors.iter().filter(|f| f.contribution > 0.0).count();
                let negative = prediction.factors.len() - positive;
                prop_assert!(positive <= POSITIVE_FACTORS && negative <= NEGATIVE_FACTORS);
                prop_assert!(prediction.factors.iter().all(|f| f.contribution.is_finite()));
            }

            #[test]
            fn any_title_has_a_level(title in "\\PC{0,24}") {
                let level = title_level(&title);
                prop_assert_eq!(level == TitleLevel::Unknown, title.trim().is_empty());
            }
        }
    }
}
