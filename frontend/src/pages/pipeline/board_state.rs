//! The deal board as data: columns with their cards, counts and sums, and every way
//! they change — a page loaded, "load more", an optimistic move and its rollback, the
//! server's answer, a live event from someone else.
//!
//! Every change goes through two primitives: [`BoardState::take`] removes a card and
//! subtracts what it added to its column, [`BoardState::put`] adds a card and what it
//! weighs. A column's sums are kept in minor units and start from the server's; a card
//! contributes its own `amount` and `weightedAmount`, so replacing an optimistic card
//! by the server's version corrects the sums to the cent.
//!
//! Versions decide between two tellings of the same deal: a card is only replaced by a
//! strictly newer version, which makes the echo of one's own move (the subscription
//! reports it too) harmless, and a rollback only happens while the card still is the
//! optimistic one.

use std::collections::HashMap;
use std::rc::Rc;

use leadflow_shared::money::format_minor_units;
use leadflow_shared::pipeline::{weighted, StageKind};
use yew::prelude::*;

use super::money::minor;
use crate::api::pipeline::{BoardFilter, Opportunity, Pipeline, PipelineBoard, PipelineStage};
use crate::api::ApiError;

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub stage: PipelineStage,
    /// Deals in the stage, loaded or not.
    pub count: i64,
    /// Minor units.
    pub amount: i64,
    pub weighted: i64,
    pub cards: Vec<Opportunity>,
    /// The server has cards beyond those the server gave so far.
    pub has_more: bool,
    /// The last card the server gave for this column: where "load more" continues.
    pub after: Option<String>,
    pub loading_more: bool,
}

impl Column {
    /// Cards in the stage that are not on screen.
    pub fn hidden(&self) -> i64 {
        (self.count - self.cards.len() as i64).max(0)
    }
}

/// A move sent to the server and not answered yet: enough to put the card back.
#[derive(Debug, Clone, PartialEq)]
struct Pending {
    before: Opportunity,
    index: usize,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BoardState {
    pub pipeline: Option<Pipeline>,
    pub columns: Vec<Column>,
    /// The filter the columns were loaded with; live events are held against it.
    pub filter: BoardFilter,
    pub loading: bool,
    pub error: Option<ApiError>,
    /// Bumped when a live event could not be placed (a deal this board never loaded
    /// changed): the page then loads the board again, quietly.
    pub reload_token: u32,
    pending: HashMap<String, Pending>,
}

pub enum BoardAction {
    Loading,
    Loaded {
        board: Box<PipelineBoard>,
        filter: BoardFilter,
    },
    Failed(ApiError),
    MoreLoading(String),
    MoreLoaded {
        stage_id: String,
        cards: Vec<Opportunity>,
        asked: usize,
    },
    MoreFailed(String),
    /// Show the card in `to_stage_id` at once, before the server answers.
    Move {
        deal_id: String,
        to_stage_id: String,
    },
    /// The server accepted a move: its version of the deal.
    Confirmed(Box<Opportunity>),
    /// The server refused a move: put the card back.
    Refused(String),
    /// Someone (maybe us) changed a deal.
    Live(Box<Opportunity>),
}

/// What one card adds to its column: (amount, weighted), minor units.
fn weight(card: &Opportunity) -> (i64, i64) {
    (minor(&card.amount), minor(&card.weighted_amount))
}

impl BoardState {
    pub fn card(&self, id: &str) -> Option<&Opportunity> {
        self.columns
            .iter()
            .flat_map(|c| c.cards.iter())
            .find(|c| c.id == id)
    }

    pub fn stage(&self, id: &str) -> Option<&PipelineStage> {
        self.columns.iter().map(|c| &c.stage).find(|s| s.id == id)
    }

    /// Amount and weighted amount of every open stage.
    pub fn open_totals(&self) -> (i64, i64) {
        self.columns
            .iter()
            .filter(|c| c.stage.kind == StageKind::Open)
            .fold((0, 0), |(a, w), c| (a + c.amount, w + c.weighted))
    }

    fn locate(&self, id: &str) -> Option<(usize, usize)> {
        self.columns
            .iter()
            .enumerate()
            .find_map(|(ci, col)| col.cards.iter().position(|c| c.id == id).map(|i| (ci, i)))
    }

    /// Removes a card and what it added to its column.
    fn take(&mut self, id: &str) -> Option<(usize, usize, Opportunity)> {
        let (ci, i) = self.locate(id)?;
        let col = &mut self.columns[ci];
        let card = col.cards.remove(i);
        let (amount, weighted) = weight(&card);
        col.count = (col.count - 1).max(0);
        col.amount -= amount;
        col.weighted -= weighted;
        Some((ci, i, card))
    }

    /// Adds a card to its stage's column at `index` (clamped); false when the board has
    /// no such stage.
    fn put(&mut self, card: Opportunity, index: usize) -> bool {
        let Some(col) = self
            .columns
            .iter_mut()
            .find(|c| c.stage.id == card.stage.id)
        else {
            return false;
        };
        let (amount, weighted) = weight(&card);
        col.count += 1;
        col.amount += amount;
        col.weighted += weighted;
        let index = index.min(col.cards.len());
        col.cards.insert(index, card);
        true
    }

    fn load(&mut self, board: PipelineBoard, filter: BoardFilter) {
        self.columns = board
            .columns
            .into_iter()
            .map(|c| Column {
                after: c.cards.last().map(|card| card.cursor.clone()),
                amount: minor(&c.amount),
                weighted: minor(&c.weighted_amount),
                count: c.count,
                has_more: c.has_more,
                cards: c.cards,
                stage: c.stage,
                loading_more: false,
            })
            .collect();
        self.pipeline = Some(board.pipeline);
        self.filter = filter;
        self.pending.clear();
        self.loading = false;
        self.error = None;
    }

    fn more_loaded(&mut self, stage_id: &str, cards: Vec<Opportunity>, asked: usize) {
        let got = cards.len();
        let fresh: Vec<Opportunity> = cards
            .into_iter()
            .filter(|c| self.locate(&c.id).is_none())
            .collect();
        let Some(col) = self.columns.iter_mut().find(|c| c.stage.id == stage_id) else {
            return;
        };
        col.loading_more = false;
        if let Some(last) = fresh.last() {
            col.after = Some(last.cursor.clone());
        }
        // Cards already on the board moved here while the page was open; they are
        // counted already.
        col.cards.extend(fresh);
        col.has_more = got >= asked && col.hidden() > 0;
    }

    /// The optimistic half of a move.
    fn start_move(&mut self, deal_id: &str, to_stage_id: &str) {
        let Some(to) = self.stage(to_stage_id).cloned() else {
            return;
        };
        let Some((_, index, before)) = self.take(deal_id) else {
            return;
        };
        if before.stage.id == to.id {
            self.put(before, index);
            return;
        }
        let mut moved = before.clone();
        moved.weighted_amount = format_minor_units(weighted(minor(&moved.amount), to.percent()));
        moved.stage = to;
        self.put(moved, 0);
        self.pending
            .insert(deal_id.to_owned(), Pending { before, index });
    }

    /// Puts a refused card back where it was, unless the server has told a newer story
    /// about it in the meantime.
    fn roll_back(&mut self, deal_id: &str) {
        let Some(pending) = self.pending.remove(deal_id) else {
            return;
        };
        let still_ours = self
            .card(deal_id)
            .is_some_and(|c| c.version == pending.before.version);
        if still_ours {
            self.take(deal_id);
            self.put(pending.before, pending.index);
        }
    }

    /// The server's version of a deal: replaces an older card, moves it, adds a new one
    /// or drops one that no longer matches the filter.
    fn upsert(&mut self, deal: Opportunity) {
        if let Some(current) = self.card(&deal.id) {
            if current.version >= deal.version {
                return; // An echo, or older news.
            }
            let same_stage = current.stage.id == deal.stage.id;
            let Some((_, index, _)) = self.take(&deal.id) else {
                return;
            };
            if self.filter.matches(&deal) {
                self.put(deal, if same_stage { index } else { 0 });
            }
            return;
        }
        if !self.filter.matches(&deal) || self.stage(&deal.stage.id).is_none() {
            return;
        }
        if deal.version <= 1 {
            // A new deal: nobody counted it yet.
            self.put(deal, 0);
        } else {
            // A deal this board never loaded: its old column and amount are unknown.
            self.reload_token = self.reload_token.wrapping_add(1);
        }
    }
}

impl Reducible for BoardState {
    type Action = BoardAction;

    fn reduce(self: Rc<Self>, action: BoardAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            BoardAction::Loading => {
                next.loading = true;
                next.error = None;
            }
            BoardAction::Loaded { board, filter } => next.load(*board, filter),
            BoardAction::Failed(err) => {
                next.loading = false;
                next.error = Some(err);
            }
            BoardAction::MoreLoading(stage_id) => {
                if let Some(col) = next.columns.iter_mut().find(|c| c.stage.id == stage_id) {
                    col.loading_more = true;
                }
            }
            BoardAction::MoreLoaded {
                stage_id,
                cards,
                asked,
            } => next.more_loaded(&stage_id, cards, asked),
            BoardAction::MoreFailed(stage_id) => {
                if let Some(col) = next.columns.iter_mut().find(|c| c.stage.id == stage_id) {
                    col.loading_more = false;
                }
            }
            BoardAction::Move {
                deal_id,
                to_stage_id,
            } => next.start_move(&deal_id, &to_stage_id),
            BoardAction::Confirmed(deal) => {
                next.pending.remove(&deal.id);
                next.upsert(*deal);
            }
            BoardAction::Refused(deal_id) => next.roll_back(&deal_id),
            BoardAction::Live(deal) => next.upsert(*deal),
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::pipeline::{BoardColumn, DealOwner};

    fn stage(id: &str, probability: i32, kind: StageKind) -> PipelineStage {
        PipelineStage {
            id: id.into(),
            name: id.into(),
            position: 0,
            probability,
            kind,
        }
    }

    fn deal(id: &str, st: &PipelineStage, amount: &str, version: i32) -> Opportunity {
        let weighted_amount = format_minor_units(weighted(minor(amount), st.percent()));
        Opportunity {
            id: id.into(),
            name: format!("deal {id}"),
            amount: amount.into(),
            weighted_amount,
            currency: "CNY".into(),
            expected_close_on: Some("2026-12-31".into()),
            stage: st.clone(),
            pipeline_id: "p1".into(),
            owner: Some(DealOwner {
                id: "u1".into(),
                name: "张伟".into(),
                team: None,
            }),
            lead: None,
            lost_reason: None,
            version,
            updated_at: "2026-01-01T00:00:00Z".into(),
            cursor: format!("c-{id}"),
        }
    }

    fn column(st: &PipelineStage, cards: Vec<Opportunity>, count: i64) -> BoardColumn {
        let amount: i64 = cards.iter().map(|c| minor(&c.amount)).sum();
        let w: i64 = cards.iter().map(|c| minor(&c.weighted_amount)).sum();
        BoardColumn {
            stage: st.clone(),
            count,
            amount: format_minor_units(amount),
            weighted_amount: format_minor_units(w),
            has_more: count > cards.len() as i64,
            cards,
        }
    }

    /// 初步接洽 10 % with two deals, 报价 50 % with one, 输单 empty.
    fn board() -> (Rc<BoardState>, [PipelineStage; 3]) {
        let s1 = stage("s1", 10, StageKind::Open);
        let s2 = stage("s2", 50, StageKind::Open);
        let lost = stage("lost", 0, StageKind::Lost);
        let b = PipelineBoard {
            pipeline: Pipeline {
                id: "p1".into(),
                name: "默认".into(),
                is_default: true,
                stages: vec![s1.clone(), s2.clone(), lost.clone()],
            },
            columns: vec![
                column(
                    &s1,
                    vec![deal("a", &s1, "180000.00", 3), deal("b", &s1, "1000.00", 1)],
                    2,
                ),
                column(&s2, vec![deal("c", &s2, "50000.00", 1)], 1),
                column(&lost, vec![], 0),
            ],
            open_amount: "0".into(),
            open_weighted_amount: "0".into(),
        };
        let state = Rc::new(BoardState::default()).reduce(BoardAction::Loaded {
            board: Box::new(b),
            filter: BoardFilter::default(),
        });
        (state, [s1, s2, lost])
    }

    fn sums(state: &BoardState) -> Vec<(i64, i64, i64, usize)> {
        state
            .columns
            .iter()
            .map(|c| (c.count, c.amount, c.weighted, c.cards.len()))
            .collect()
    }

    fn mv(deal: &str, to: &str) -> BoardAction {
        BoardAction::Move {
            deal_id: deal.into(),
            to_stage_id: to.into(),
        }
    }

    #[test]
    fn loading_takes_the_server_sums() {
        let (state, _) = board();
        assert_eq!(
            sums(&state),
            vec![
                (2, 18_100_000, 1_810_000, 2),
                (1, 5_000_000, 2_500_000, 1),
                (0, 0, 0, 0)
            ]
        );
        assert_eq!(state.open_totals(), (23_100_000, 4_310_000));
    }

    #[test]
    fn an_optimistic_move_moves_the_card_and_its_sums() {
        let (state, _) = board();
        let state = state.reduce(mv("a", "s2"));
        assert_eq!(
            sums(&state),
            vec![
                (1, 100_000, 10_000, 1),
                (2, 23_000_000, 11_500_000, 2),
                (0, 0, 0, 0)
            ]
        );
        let moved = state.card("a").unwrap();
        assert_eq!(moved.stage.id, "s2");
        assert_eq!(moved.weighted_amount, "90000.00");
        assert_eq!(
            state.columns[1].cards[0].id, "a",
            "a moved card goes on top"
        );
    }

    #[test]
    fn a_refused_move_puts_everything_back() {
        let (before, _) = board();
        let state = before.clone().reduce(mv("a", "s2"));
        let state = state.reduce(BoardAction::Refused("a".into()));
        assert_eq!(sums(&state), sums(&before));
        assert_eq!(state.columns, before.columns, "same cards, same order");
        // A second refusal (or one for a move never made) changes nothing.
        let again = state.clone().reduce(BoardAction::Refused("a".into()));
        assert_eq!(again.columns, before.columns);
    }

    #[test]
    fn the_servers_answer_and_its_echo_count_once() {
        let (state, [_, s2, _]) = board();
        let state = state.reduce(mv("a", "s2"));
        let mut server = deal("a", &s2, "180000.00", 4);
        server.weighted_amount = "90000.00".into();
        // The subscription's echo may come first...
        let state = state.reduce(BoardAction::Live(Box::new(server.clone())));
        // ... then the mutation's answer, the same version: ignored.
        let state = state.reduce(BoardAction::Confirmed(Box::new(server)));
        assert_eq!(
            sums(&state),
            vec![
                (1, 100_000, 10_000, 1),
                (2, 23_000_000, 11_500_000, 2),
                (0, 0, 0, 0)
            ]
        );
        // A late refusal cannot undo a move the server reported.
        let state = state.reduce(BoardAction::Refused("a".into()));
        assert_eq!(state.card("a").map(|c| c.stage.id.as_str()), Some("s2"));
    }

    #[test]
    fn someone_elses_move_and_edit_update_the_columns() {
        let (state, [s1, s2, lost]) = board();
        let mut moved = deal("c", &lost, "50000.00", 2);
        moved.lost_reason = Some("价格太高".into());
        let state = state.reduce(BoardAction::Live(Box::new(moved)));
        assert_eq!(
            sums(&state),
            vec![
                (2, 18_100_000, 1_810_000, 2),
                (0, 0, 0, 0),
                (1, 5_000_000, 0, 1)
            ]
        );
        // An edit of the amount in place keeps the card's position.
        let edited = deal("b", &s1, "3000.00", 2);
        let state = state.reduce(BoardAction::Live(Box::new(edited)));
        assert_eq!(state.columns[0].cards[1].id, "b");
        assert_eq!(state.columns[0].amount, 18_300_000);
        assert_eq!(state.columns[0].weighted, 1_830_000);
        // Older news about a card is ignored.
        let stale = deal("b", &s2, "3000.00", 1);
        let state = state.reduce(BoardAction::Live(Box::new(stale)));
        assert_eq!(state.card("b").map(|c| c.stage.id.as_str()), Some("s1"));
    }

    #[test]
    fn new_deals_are_added_and_unknown_ones_ask_for_a_reload() {
        let (state, [s1, s2, _]) = board();
        let state = state.reduce(BoardAction::Live(Box::new(deal("n", &s2, "2000.00", 1))));
        assert_eq!(state.columns[1].count, 2);
        assert_eq!(state.columns[1].amount, 5_200_000);
        assert_eq!(state.columns[1].cards[0].id, "n");
        assert_eq!(state.reload_token, 0);
        let state = state.reduce(BoardAction::Live(Box::new(deal("x", &s1, "1.00", 7))));
        assert_eq!(state.reload_token, 1);
        assert_eq!(state.columns[0].count, 2, "not guessed");
    }

    #[test]
    fn deals_leaving_the_filter_leave_the_board() {
        let (state, [s1, _, _]) = board();
        let mut state = (*state).clone();
        state.filter.owner_id = Some("u1".into());
        let mut handed_over = deal("b", &s1, "1000.00", 2);
        handed_over.owner = Some(DealOwner {
            id: "u2".into(),
            name: "李娜".into(),
            team: None,
        });
        let state = Rc::new(state).reduce(BoardAction::Live(Box::new(handed_over.clone())));
        assert_eq!(state.columns[0].count, 1);
        assert_eq!(state.columns[0].amount, 18_000_000);
        // Someone else's new deal does not appear either.
        handed_over.id = "z".into();
        handed_over.version = 1;
        let state = state.reduce(BoardAction::Live(Box::new(handed_over)));
        assert!(state.card("z").is_none());
    }

    #[test]
    fn load_more_appends_new_cards_and_moves_the_cursor() {
        let (state, [s1, _, _]) = board();
        let mut state = (*state).clone();
        state.columns[0].count = 4;
        state.columns[0].has_more = true;
        let state = Rc::new(state).reduce(BoardAction::MoreLoading("s1".into()));
        assert!(state.columns[0].loading_more);
        let page = vec![
            deal("b", &s1, "1000.00", 1),
            deal("d", &s1, "1.00", 1),
            deal("e", &s1, "1.00", 1),
        ];
        let state = state.reduce(BoardAction::MoreLoaded {
            stage_id: "s1".into(),
            cards: page,
            asked: 50,
        });
        let ids: Vec<&str> = state.columns[0]
            .cards
            .iter()
            .map(|c| c.id.as_str())
            .collect();
        assert_eq!(ids, ["a", "b", "d", "e"]);
        assert_eq!(state.columns[0].after.as_deref(), Some("c-e"));
        assert!(!state.columns[0].has_more);
        assert!(!state.columns[0].loading_more);
        assert_eq!(state.columns[0].count, 4, "counts come from the server");
    }
}
