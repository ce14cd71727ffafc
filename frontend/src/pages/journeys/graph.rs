//! Editing a [`JourneyDefinition`] the way the canvas does: add a node of a kind, move
//! it, connect a port to a node, cut an edge, delete a node with every edge into it,
//! and the geometry the canvas draws with (node boxes, port positions, edge curves).
//!
//! Plain functions of the definition, so they are unit tested without a browser.

use leadflow_shared::journey::{
    Action, Condition, JourneyDefinition, Node, NodeId, Position, Trigger, Wait,
};
use leadflow_shared::{Channel, LeadStage};

use crate::i18n::Key;

/// A node's box on the canvas, in canvas units.
pub const NODE_W: f64 = 212.0;
pub const NODE_H: f64 = 76.0;

/// The kinds of node the palette offers, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    SendEmail,
    Wait,
    Branch,
    SetStage,
    AddTag,
    RemoveTag,
    AdjustScore,
    NotifyOwner,
    HandToRouting,
    Exit,
}

impl NodeKind {
    pub const ALL: [NodeKind; 10] = [
        NodeKind::SendEmail,
        NodeKind::Wait,
        NodeKind::Branch,
        NodeKind::SetStage,
        NodeKind::AddTag,
        NodeKind::RemoveTag,
        NodeKind::AdjustScore,
        NodeKind::NotifyOwner,
        NodeKind::HandToRouting,
        NodeKind::Exit,
    ];

    pub fn of(action: &Action) -> NodeKind {
        match action {
            Action::SendEmail { .. } => NodeKind::SendEmail,
            Action::Wait { .. } => NodeKind::Wait,
            Action::Branch { .. } => NodeKind::Branch,
            Action::SetStage { .. } => NodeKind::SetStage,
            Action::AddTag { .. } => NodeKind::AddTag,
            Action::RemoveTag { .. } => NodeKind::RemoveTag,
            Action::AdjustScore { .. } => NodeKind::AdjustScore,
            Action::NotifyOwner { .. } => NodeKind::NotifyOwner,
            Action::HandToRouting => NodeKind::HandToRouting,
            Action::Exit => NodeKind::Exit,
        }
    }

    /// The stable name used in `data-kind` and in new node ids.
    pub fn slug(self) -> &'static str {
        match self {
            NodeKind::SendEmail => "email",
            NodeKind::Wait => "wait",
            NodeKind::Branch => "branch",
            NodeKind::SetStage => "stage",
            NodeKind::AddTag => "tag",
            NodeKind::RemoveTag => "untag",
            NodeKind::AdjustScore => "score",
            NodeKind::NotifyOwner => "notify",
            NodeKind::HandToRouting => "route",
            NodeKind::Exit => "exit",
        }
    }

    pub fn key(self) -> Key {
        match self {
            NodeKind::SendEmail => Key::JrnKindEmail,
            NodeKind::Wait => Key::JrnKindWait,
            NodeKind::Branch => Key::JrnKindBranch,
            NodeKind::SetStage => Key::JrnKindStage,
            NodeKind::AddTag => Key::JrnKindAddTag,
            NodeKind::RemoveTag => Key::JrnKindRemoveTag,
            NodeKind::AdjustScore => Key::JrnKindScore,
            NodeKind::NotifyOwner => Key::JrnKindNotify,
            NodeKind::HandToRouting => Key::JrnKindRoute,
            NodeKind::Exit => Key::JrnKindExit,
        }
    }

    /// A one-glyph mark for the node's icon tile.
    pub fn glyph(self) -> &'static str {
        match self {
            NodeKind::SendEmail => "✉",
            NodeKind::Wait => "◔",
            NodeKind::Branch => "⋔",
            NodeKind::SetStage => "⇢",
            NodeKind::AddTag => "#",
            NodeKind::RemoveTag => "⌫",
            NodeKind::AdjustScore => "±",
            NodeKind::NotifyOwner => "@",
            NodeKind::HandToRouting => "⤳",
            NodeKind::Exit => "■",
        }
    }

    /// A new node's settings: sensible defaults a marketer adjusts in the panel.
    pub fn default_action(self, first_template: Option<&str>) -> Action {
        match self {
            NodeKind::SendEmail => Action::SendEmail {
                template_id: first_template.unwrap_or_default().to_owned(),
                next: None,
            },
            NodeKind::Wait => Action::Wait {
                wait: Wait::Duration { minutes: 24 * 60 },
                next: None,
            },
            NodeKind::Branch => Action::Branch {
                condition: Condition::OpenedPreviousEmail,
                yes: None,
                no: None,
            },
            NodeKind::SetStage => Action::SetStage {
                stage: LeadStage::Mql,
                next: None,
            },
            NodeKind::AddTag => Action::AddTag {
                tag: String::new(),
                next: None,
            },
            NodeKind::RemoveTag => Action::RemoveTag {
                tag: String::new(),
                next: None,
            },
            NodeKind::AdjustScore => Action::AdjustScore {
                points: 10,
                next: None,
            },
            NodeKind::NotifyOwner => Action::NotifyOwner {
                message: String::new(),
                next: None,
            },
            NodeKind::HandToRouting => Action::HandToRouting,
            NodeKind::Exit => Action::Exit,
        }
    }
}

/// The kinds of trigger, in the palette's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TriggerKind {
    Source,
    EntersStage,
    TagAdded,
    ScoreBand,
    FormSubmitted,
    Inactive,
    Manual,
}

impl TriggerKind {
    pub const ALL: [TriggerKind; 7] = [
        TriggerKind::Source,
        TriggerKind::EntersStage,
        TriggerKind::TagAdded,
        TriggerKind::ScoreBand,
        TriggerKind::FormSubmitted,
        TriggerKind::Inactive,
        TriggerKind::Manual,
    ];

    pub fn of(trigger: &Trigger) -> TriggerKind {
        match trigger {
            Trigger::Source { .. } => TriggerKind::Source,
            Trigger::EntersStage { .. } => TriggerKind::EntersStage,
            Trigger::TagAdded { .. } => TriggerKind::TagAdded,
            Trigger::ScoreBand { .. } => TriggerKind::ScoreBand,
            Trigger::FormSubmitted { .. } => TriggerKind::FormSubmitted,
            Trigger::Inactive { .. } => TriggerKind::Inactive,
            Trigger::Manual => TriggerKind::Manual,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            TriggerKind::Source => "source",
            TriggerKind::EntersStage => "stage",
            TriggerKind::TagAdded => "tag",
            TriggerKind::ScoreBand => "score",
            TriggerKind::FormSubmitted => "form",
            TriggerKind::Inactive => "inactive",
            TriggerKind::Manual => "manual",
        }
    }

    pub fn key(self) -> Key {
        match self {
            TriggerKind::Source => Key::JrnTriggerSource,
            TriggerKind::EntersStage => Key::JrnTriggerStage,
            TriggerKind::TagAdded => Key::JrnTriggerTag,
            TriggerKind::ScoreBand => Key::JrnTriggerScore,
            TriggerKind::FormSubmitted => Key::JrnTriggerForm,
            TriggerKind::Inactive => Key::JrnTriggerInactive,
            TriggerKind::Manual => Key::JrnTriggerManual,
        }
    }

    pub fn default_trigger(self) -> Trigger {
        match self {
            TriggerKind::Source => Trigger::Source {
                channel: Some(Channel::WebForm),
                campaign_id: None,
            },
            TriggerKind::EntersStage => Trigger::EntersStage {
                stage: LeadStage::Mql,
            },
            TriggerKind::TagAdded => Trigger::TagAdded { tag: String::new() },
            TriggerKind::ScoreBand => Trigger::ScoreBand { min: 30, max: None },
            TriggerKind::FormSubmitted => Trigger::FormSubmitted { form_id: None },
            TriggerKind::Inactive => Trigger::Inactive { days: 30 },
            TriggerKind::Manual => Trigger::Manual,
        }
    }
}

/// Where an edge starts: the trigger box or a node's named port.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Source {
    Trigger,
    Port { node: NodeId, port: &'static str },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Edge {
    pub from: Source,
    pub to: NodeId,
}

impl Edge {
    /// A stable id for `data-edge` and selection: `trigger->n1`, `n1.yes->n2`.
    pub fn id(&self) -> String {
        match &self.from {
            Source::Trigger => format!("trigger->{}", self.to),
            Source::Port { node, port } => format!("{node}.{port}->{}", self.to),
        }
    }
}

/// A blank journey: a manual trigger at the top left, nothing else.
pub fn blank() -> JourneyDefinition {
    JourneyDefinition {
        trigger: Trigger::Manual,
        start: None,
        nodes: Vec::new(),
        goal: None,
        trigger_position: Position { x: 60.0, y: 40.0 },
    }
}

/// The next free id for a kind: `email-1`, `email-2`, ...
pub fn fresh_id(def: &JourneyDefinition, kind: NodeKind) -> NodeId {
    (1..)
        .map(|n| format!("{}-{n}", kind.slug()))
        .find(|id| def.node(id).is_none())
        .unwrap_or_else(|| kind.slug().to_owned())
}

/// Adds a node of `kind` with its top-left corner at `at`; returns its id.
pub fn add_node(
    def: &mut JourneyDefinition,
    kind: NodeKind,
    at: Position,
    first_template: Option<&str>,
) -> NodeId {
    let id = fresh_id(def, kind);
    def.nodes.push(Node {
        id: id.clone(),
        position: at,
        action: kind.default_action(first_template),
    });
    id
}

/// Deletes a node and every edge into it.
pub fn remove_node(def: &mut JourneyDefinition, id: &str) {
    def.nodes.retain(|n| n.id != id);
    if def.start.as_deref() == Some(id) {
        def.start = None;
    }
    for node in &mut def.nodes {
        for port in ["next", "yes", "no"] {
            if let Some(slot) = port_slot(&mut node.action, port) {
                if slot.as_deref() == Some(id) {
                    *slot = None;
                }
            }
        }
    }
}

/// The `Option<NodeId>` behind a port name, if the action has that port.
fn port_slot<'a>(action: &'a mut Action, port: &str) -> Option<&'a mut Option<NodeId>> {
    match (action, port) {
        (
            Action::SendEmail { next, .. }
            | Action::Wait { next, .. }
            | Action::SetStage { next, .. }
            | Action::AddTag { next, .. }
            | Action::RemoveTag { next, .. }
            | Action::AdjustScore { next, .. }
            | Action::NotifyOwner { next, .. },
            "next",
        ) => Some(next),
        (Action::Branch { yes, .. }, "yes") => Some(yes),
        (Action::Branch { no, .. }, "no") => Some(no),
        _ => None,
    }
}

/// Points `from` at `to` (replacing what it pointed at). Refuses a node pointing at
/// itself and targets that do not exist; returns whether anything changed.
pub fn connect(def: &mut JourneyDefinition, from: &Source, to: &str) -> bool {
    if def.node(to).is_none() {
        return false;
    }
    match from {
        Source::Trigger => {
            let changed = def.start.as_deref() != Some(to);
            def.start = Some(to.to_owned());
            changed
        }
        Source::Port { node, port } if node != to => {
            let Some(n) = def.nodes.iter_mut().find(|n| &n.id == node) else {
                return false;
            };
            match port_slot(&mut n.action, port) {
                Some(slot) if slot.as_deref() != Some(to) => {
                    *slot = Some(to.to_owned());
                    true
                }
                _ => false,
            }
        }
        Source::Port { .. } => false,
    }
}

/// Cuts the edge leaving `from`.
pub fn disconnect(def: &mut JourneyDefinition, from: &Source) {
    match from {
        Source::Trigger => def.start = None,
        Source::Port { node, port } => {
            if let Some(n) = def.nodes.iter_mut().find(|n| &n.id == node) {
                if let Some(slot) = port_slot(&mut n.action, port) {
                    *slot = None;
                }
            }
        }
    }
}

/// Every edge whose both ends exist.
pub fn edges(def: &JourneyDefinition) -> Vec<Edge> {
    let mut out = Vec::new();
    if let Some(start) = def.start.as_ref().filter(|s| def.node(s).is_some()) {
        out.push(Edge {
            from: Source::Trigger,
            to: start.clone(),
        });
    }
    for node in &def.nodes {
        for (port, target) in node.action.ports() {
            if let Some(to) = target.filter(|t| def.node(t).is_some()) {
                out.push(Edge {
                    from: Source::Port {
                        node: node.id.clone(),
                        port,
                    },
                    to: to.clone(),
                });
            }
        }
    }
    out
}

/// Moves a node (or the trigger box with `None`) so its top-left is at `to`.
pub fn move_to(def: &mut JourneyDefinition, node: Option<&str>, to: Position) {
    match node {
        None => def.trigger_position = to,
        Some(id) => {
            if let Some(n) = def.nodes.iter_mut().find(|n| n.id == id) {
                n.position = to;
            }
        }
    }
}

/// Where a node's (or the trigger's) box is.
pub fn position_of(def: &JourneyDefinition, node: Option<&str>) -> Option<Position> {
    match node {
        None => Some(def.trigger_position),
        Some(id) => def.node(id).map(|n| n.position),
    }
}

/// The centre of an output port: `next` in the middle of the bottom edge, a branch's
/// `yes` left of it and `no` right of it.
pub fn out_port(at: Position, port: &str) -> Position {
    let x = match port {
        "yes" => at.x + NODE_W * 0.3,
        "no" => at.x + NODE_W * 0.7,
        _ => at.x + NODE_W / 2.0,
    };
    Position {
        x,
        y: at.y + NODE_H,
    }
}

/// The centre of a node's input port, in the middle of its top edge.
pub fn in_port(at: Position) -> Position {
    Position {
        x: at.x + NODE_W / 2.0,
        y: at.y,
    }
}

/// Where an edge leaving `from` starts.
pub fn source_point(def: &JourneyDefinition, from: &Source) -> Option<Position> {
    match from {
        Source::Trigger => Some(out_port(def.trigger_position, "next")),
        Source::Port { node, port } => def.node(node).map(|n| out_port(n.position, port)),
    }
}

/// A smooth SVG path from an output port down (or round) to an input port.
pub fn curve(from: Position, to: Position) -> String {
    let bend = ((to.y - from.y).abs() / 2.0).max(48.0);
    format!(
        "M {:.1} {:.1} C {:.1} {:.1}, {:.1} {:.1}, {:.1} {:.1}",
        from.x,
        from.y,
        from.x,
        from.y + bend,
        to.x,
        to.y - bend,
        to.x,
        to.y
    )
}

/// The topmost node whose box contains `p` (later nodes are drawn on top).
pub fn node_at(def: &JourneyDefinition, p: Position) -> Option<NodeId> {
    def.nodes
        .iter()
        .rev()
        .find(|n| {
            // A little slack above the box, so dropping on the input port counts.
            p.x >= n.position.x
                && p.x <= n.position.x + NODE_W
                && p.y >= n.position.y - 14.0
                && p.y <= n.position.y + NODE_H
        })
        .map(|n| n.id.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(x: f64, y: f64) -> Position {
        Position { x, y }
    }

    #[test]
    fn nodes_get_fresh_ids_and_connect_into_a_valid_journey() {
        let mut def = blank();
        let email = add_node(&mut def, NodeKind::SendEmail, at(60.0, 160.0), Some("t1"));
        let wait = add_node(&mut def, NodeKind::Wait, at(60.0, 280.0), Some("t1"));
        let exit = add_node(&mut def, NodeKind::Exit, at(60.0, 400.0), Some("t1"));
        assert_eq!((email.as_str(), wait.as_str()), ("email-1", "wait-1"));
        assert!(connect(&mut def, &Source::Trigger, &email));
        let port = |node: &str, port| Source::Port {
            node: node.to_owned(),
            port,
        };
        assert!(connect(&mut def, &port(&email, "next"), &wait));
        assert!(connect(&mut def, &port(&wait, "next"), &exit));
        assert!(
            !connect(&mut def, &port(&wait, "next"), &wait),
            "no self loop"
        );
        assert!(
            !connect(&mut def, &port(&exit, "next"), &email),
            "exit has no port"
        );
        assert_eq!(edges(&def).len(), 3);
        assert_eq!(def.validate(&["t1".to_owned()]), vec![]);
        assert_eq!(fresh_id(&def, NodeKind::SendEmail), "email-2");
    }

    #[test]
    fn removing_a_node_cuts_every_edge_into_it() {
        let mut def = blank();
        let a = add_node(&mut def, NodeKind::Branch, at(0.0, 0.0), None);
        let b = add_node(&mut def, NodeKind::Exit, at(0.0, 200.0), None);
        connect(&mut def, &Source::Trigger, &b);
        for port in ["yes", "no"] {
            connect(
                &mut def,
                &Source::Port {
                    node: a.clone(),
                    port,
                },
                &b,
            );
        }
        assert_eq!(edges(&def).len(), 3);
        remove_node(&mut def, &b);
        assert!(edges(&def).is_empty());
        assert_eq!(def.start, None);
    }

    #[test]
    fn hits_and_ports_follow_the_boxes() {
        let mut def = blank();
        let a = add_node(&mut def, NodeKind::Wait, at(100.0, 100.0), None);
        assert_eq!(node_at(&def, at(150.0, 120.0)), Some(a.clone()));
        assert_eq!(
            node_at(&def, at(150.0, 95.0)),
            Some(a),
            "just above the input port"
        );
        assert_eq!(node_at(&def, at(50.0, 120.0)), None);
        assert_eq!(out_port(at(0.0, 0.0), "next").y, NODE_H);
        assert!(out_port(at(0.0, 0.0), "yes").x < out_port(at(0.0, 0.0), "no").x);
    }
}
