//! The lead-stage board as data: LEAD, MQL and SQL with their hottest cards and their
//! totals, an optimistic move between them and its rollback when the server refuses
//! (for instance when BANT is required before SQL).

use std::collections::HashMap;
use std::rc::Rc;

use leadflow_shared::LeadStage;
use yew::prelude::*;

use crate::api::pipeline::{LeadBoardData, LeadCard, LeadColumnPage};
use crate::api::ApiError;

/// The columns, in funnel order.
pub const STAGES: [LeadStage; 3] = [LeadStage::Lead, LeadStage::Mql, LeadStage::Sql];

#[derive(Debug, Clone, PartialEq)]
pub struct LeadColumn {
    pub stage: LeadStage,
    pub total: i64,
    pub cards: Vec<LeadCard>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct LeadBoardState {
    pub columns: Vec<LeadColumn>,
    pub loading: bool,
    pub loaded: bool,
    pub error: Option<ApiError>,
    /// Moves waiting for the server: where each card was.
    pending: HashMap<String, (LeadStage, usize, LeadCard)>,
}

pub enum LeadBoardAction {
    Loading,
    Loaded(Box<LeadBoardData>),
    Failed(ApiError),
    Move { id: String, to: LeadStage },
    Confirmed { id: String, version: i32 },
    Refused(String),
}

impl LeadBoardState {
    pub fn stage_of(&self, id: &str) -> Option<LeadStage> {
        self.columns
            .iter()
            .find(|c| c.cards.iter().any(|card| card.id == id))
            .map(|c| c.stage)
    }

    fn take(&mut self, id: &str) -> Option<(LeadStage, usize, LeadCard)> {
        self.columns.iter_mut().find_map(|col| {
            let i = col.cards.iter().position(|c| c.id == id)?;
            col.total = (col.total - 1).max(0);
            Some((col.stage, i, col.cards.remove(i)))
        })
    }

    fn put(&mut self, stage: LeadStage, index: usize, card: LeadCard) {
        if let Some(col) = self.columns.iter_mut().find(|c| c.stage == stage) {
            col.total += 1;
            let index = index.min(col.cards.len());
            col.cards.insert(index, card);
        }
    }
}

fn column(stage: LeadStage, page: LeadColumnPage) -> LeadColumn {
    LeadColumn {
        stage,
        total: page.total_count,
        cards: page.edges.into_iter().map(|e| e.node).collect(),
    }
}

impl Reducible for LeadBoardState {
    type Action = LeadBoardAction;

    fn reduce(self: Rc<Self>, action: LeadBoardAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            LeadBoardAction::Loading => {
                next.loading = true;
                next.error = None;
            }
            LeadBoardAction::Loaded(data) => {
                let LeadBoardData { lead, mql, sql } = *data;
                next.columns = vec![
                    column(LeadStage::Lead, lead),
                    column(LeadStage::Mql, mql),
                    column(LeadStage::Sql, sql),
                ];
                next.pending.clear();
                next.loading = false;
                next.loaded = true;
            }
            LeadBoardAction::Failed(err) => {
                next.loading = false;
                next.error = Some(err);
            }
            LeadBoardAction::Move { id, to } => {
                let Some((from, index, card)) = next.take(&id) else {
                    return self;
                };
                if from == to {
                    next.put(from, index, card);
                    return Rc::new(next);
                }
                next.pending.insert(id, (from, index, card.clone()));
                next.put(to, 0, card);
            }
            LeadBoardAction::Confirmed { id, version } => {
                next.pending.remove(&id);
                if let Some(card) = next
                    .columns
                    .iter_mut()
                    .flat_map(|c| c.cards.iter_mut())
                    .find(|c| c.id == id)
                {
                    card.version = version;
                }
            }
            LeadBoardAction::Refused(id) => {
                let Some((from, index, card)) = next.pending.remove(&id) else {
                    return self;
                };
                next.take(&id);
                next.put(from, index, card);
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::pipeline::LeadCardEdge;

    fn page(ids: &[&str], total: i64) -> LeadColumnPage {
        LeadColumnPage {
            total_count: total,
            edges: ids
                .iter()
                .map(|id| LeadCardEdge {
                    node: LeadCard {
                        id: (*id).into(),
                        person_name: format!("person {id}"),
                        company: None,
                        total_score: 50,
                        version: 1,
                        owner: None,
                    },
                })
                .collect(),
        }
    }

    fn loaded() -> Rc<LeadBoardState> {
        Rc::new(LeadBoardState::default()).reduce(LeadBoardAction::Loaded(Box::new(
            LeadBoardData {
                lead: page(&["a", "b"], 120),
                mql: page(&["c"], 1),
                sql: page(&[], 0),
            },
        )))
    }

    fn shape(state: &LeadBoardState) -> Vec<(i64, Vec<String>)> {
        state
            .columns
            .iter()
            .map(|c| (c.total, c.cards.iter().map(|x| x.id.clone()).collect()))
            .collect()
    }

    #[test]
    fn a_move_shows_at_once_and_a_refusal_snaps_back() {
        let before = loaded();
        let moved = before.clone().reduce(LeadBoardAction::Move {
            id: "b".into(),
            to: LeadStage::Sql,
        });
        assert_eq!(moved.stage_of("b"), Some(LeadStage::Sql));
        assert_eq!(moved.columns[0].total, 119);
        assert_eq!(moved.columns[2].total, 1);
        let back = moved.reduce(LeadBoardAction::Refused("b".into()));
        assert_eq!(shape(&back), shape(&before));
    }

    #[test]
    fn a_confirmed_move_keeps_the_new_version() {
        let state = loaded()
            .reduce(LeadBoardAction::Move {
                id: "c".into(),
                to: LeadStage::Lead,
            })
            .reduce(LeadBoardAction::Confirmed {
                id: "c".into(),
                version: 2,
            });
        assert_eq!(state.columns[0].cards[0].id, "c");
        assert_eq!(state.columns[0].cards[0].version, 2);
        // Nothing pending any more: a stray refusal changes nothing.
        let same = state.clone().reduce(LeadBoardAction::Refused("c".into()));
        assert_eq!(shape(&same), shape(&state));
    }
}
