//! The designer's state: the definition being edited, what is selected, the canvas view
//! (pan and zoom) and the drag in progress, changed only through [`Msg`].
//!
//! Pointer handling is a small state machine. A `pointerdown` starts a [`Drag`] (moving
//! a node, drawing an edge from a port, panning the background, or carrying a palette
//! item); `pointermove`s anywhere in the designer update it; `pointerup` finishes it:
//! the edge connects to the node under the pointer, the palette item lands where it was
//! dropped. Coordinates arrive already converted to canvas units by the component.

use std::rc::Rc;

use leadflow_shared::journey::{JourneyDefinition, Position};
use yew::prelude::*;

use super::graph::{self, NodeKind, Source, TriggerKind, NODE_H, NODE_W};

pub const MIN_ZOOM: f64 = 0.3;
pub const MAX_ZOOM: f64 = 2.0;

/// What the side panel edits.
#[derive(Debug, Clone, PartialEq)]
pub enum Selection {
    /// The journey itself (goal, overview).
    Journey,
    Trigger,
    Node(String),
    Edge(Source),
}

/// Something carried from the palette.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PaletteItem {
    Node(NodeKind),
    Trigger(TriggerKind),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Drag {
    /// A node (`None`: the trigger box) follows the pointer, held at `grab` from its corner.
    Move {
        node: Option<String>,
        grab: Position,
        moved: bool,
    },
    /// An edge being drawn from `from` to the pointer at `at`.
    Connect { from: Source, at: Position },
    /// The background dragged: the view follows.
    Pan { last: (f64, f64) },
    /// A palette item carried at client coordinates `client`.
    Palette {
        item: PaletteItem,
        client: (f64, f64),
        over_canvas: bool,
    },
}

/// Pan (screen pixels) and zoom of the canvas.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub x: f64,
    pub y: f64,
    pub zoom: f64,
}

impl Default for View {
    fn default() -> Self {
        View {
            x: 40.0,
            y: 56.0,
            zoom: 1.0,
        }
    }
}

impl View {
    /// Screen (canvas-relative pixels) to canvas units.
    pub fn to_world(self, sx: f64, sy: f64) -> Position {
        Position {
            x: (sx - self.x) / self.zoom,
            y: (sy - self.y) / self.zoom,
        }
    }
}

#[derive(Clone, PartialEq)]
pub struct Editor {
    pub def: JourneyDefinition,
    pub name: String,
    pub selected: Selection,
    pub view: View,
    pub drag: Option<Drag>,
    /// Edited since the last save.
    pub dirty: bool,
    /// Bumped on every change of the definition (server problems are cleared on it).
    pub revision: u32,
}

impl Editor {
    pub fn new(def: JourneyDefinition, name: String) -> Editor {
        Editor {
            def,
            name,
            selected: Selection::Journey,
            view: View::default(),
            drag: None,
            dirty: false,
            revision: 0,
        }
    }

    fn changed(&mut self) {
        self.dirty = true;
        self.revision = self.revision.wrapping_add(1);
    }

    /// Where a node added without a drop point goes: under the lowest box.
    fn free_spot(&self) -> Position {
        let lowest = self
            .def
            .nodes
            .iter()
            .map(|n| n.position)
            .chain(std::iter::once(self.def.trigger_position))
            .fold(None::<Position>, |acc, p| match acc {
                Some(a) if a.y >= p.y => Some(a),
                _ => Some(p),
            })
            .unwrap_or_default();
        Position {
            x: lowest.x,
            y: lowest.y + NODE_H + 48.0,
        }
    }

    fn place(&mut self, item: PaletteItem, at: Position, first_template: Option<&str>) {
        let at = Position {
            x: at.x.round(),
            y: at.y.round(),
        };
        match item {
            PaletteItem::Node(kind) => {
                let id = graph::add_node(&mut self.def, kind, at, first_template);
                self.selected = Selection::Node(id);
            }
            PaletteItem::Trigger(kind) => {
                if TriggerKind::of(&self.def.trigger) != kind {
                    self.def.trigger = kind.default_trigger();
                }
                self.def.trigger_position = at;
                self.selected = Selection::Trigger;
            }
        }
        self.changed();
    }
}

/// A change to the definition from the side panel.
pub type EditFn = Rc<dyn Fn(&mut JourneyDefinition)>;

pub enum Msg {
    Saved,
    Rename(String),
    Edit(EditFn),
    Select(Selection),
    DeleteSelected,
    /// `pointerdown` on a node's body (`None`: the trigger box), at `world`.
    GrabNode(Option<String>, Position),
    /// `pointerdown` on an output port.
    GrabPort(Source, Position),
    /// `pointerdown` on the empty canvas, at client coordinates.
    GrabCanvas(f64, f64),
    GrabPalette(PaletteItem, f64, f64),
    /// Keyboard (or click) on a palette item: added under the lowest box.
    AddFromPalette(PaletteItem, Option<String>),
    /// Client coordinates, the same point in canvas units, and whether it is over the canvas.
    PointerMove {
        client: (f64, f64),
        world: Position,
        over_canvas: bool,
    },
    PointerUp {
        world: Position,
        over_canvas: bool,
        first_template: Option<String>,
    },
    CancelDrag,
    /// Multiply the zoom by `factor`, keeping the canvas point under `(sx, sy)` still.
    Zoom {
        factor: f64,
        sx: f64,
        sy: f64,
    },
    ResetView,
}

impl Reducible for Editor {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        let mut e = (*self).clone();
        match msg {
            Msg::Saved => e.dirty = false,
            Msg::Rename(name) => {
                e.name = name;
                e.dirty = true;
            }
            Msg::Edit(edit) => {
                edit(&mut e.def);
                e.changed();
            }
            Msg::Select(selection) => e.selected = selection,
            Msg::DeleteSelected => match e.selected.clone() {
                Selection::Node(id) => {
                    graph::remove_node(&mut e.def, &id);
                    e.selected = Selection::Journey;
                    e.changed();
                }
                Selection::Edge(from) => {
                    graph::disconnect(&mut e.def, &from);
                    e.selected = Selection::Journey;
                    e.changed();
                }
                Selection::Journey | Selection::Trigger => return self,
            },
            Msg::GrabNode(node, world) => {
                let Some(at) = graph::position_of(&e.def, node.as_deref()) else {
                    return self;
                };
                e.selected = match &node {
                    Some(id) => Selection::Node(id.clone()),
                    None => Selection::Trigger,
                };
                e.drag = Some(Drag::Move {
                    node,
                    grab: Position {
                        x: world.x - at.x,
                        y: world.y - at.y,
                    },
                    moved: false,
                });
            }
            Msg::GrabPort(from, world) => e.drag = Some(Drag::Connect { from, at: world }),
            Msg::GrabCanvas(cx, cy) => {
                e.selected = Selection::Journey;
                e.drag = Some(Drag::Pan { last: (cx, cy) });
            }
            Msg::GrabPalette(item, cx, cy) => {
                e.drag = Some(Drag::Palette {
                    item,
                    client: (cx, cy),
                    over_canvas: false,
                })
            }
            Msg::AddFromPalette(item, first_template) => {
                let at = e.free_spot();
                e.place(item, at, first_template.as_deref());
            }
            Msg::PointerMove {
                client,
                world,
                over_canvas,
            } => match e.drag.clone() {
                None => return self,
                Some(Drag::Move { node, grab, .. }) => {
                    let to = Position {
                        x: (world.x - grab.x).round(),
                        y: (world.y - grab.y).round(),
                    };
                    graph::move_to(&mut e.def, node.as_deref(), to);
                    e.drag = Some(Drag::Move {
                        node,
                        grab,
                        moved: true,
                    });
                }
                Some(Drag::Connect { from, .. }) => {
                    e.drag = Some(Drag::Connect { from, at: world })
                }
                Some(Drag::Pan { last }) => {
                    e.view.x += client.0 - last.0;
                    e.view.y += client.1 - last.1;
                    e.drag = Some(Drag::Pan { last: client });
                }
                Some(Drag::Palette { item, .. }) => {
                    e.drag = Some(Drag::Palette {
                        item,
                        client,
                        over_canvas,
                    })
                }
            },
            Msg::PointerUp {
                world,
                over_canvas,
                first_template,
            } => match e.drag.take() {
                None => return self,
                Some(Drag::Move { moved, .. }) => {
                    if moved {
                        e.changed();
                    }
                }
                Some(Drag::Connect { from, .. }) => {
                    if let Some(to) = graph::node_at(&e.def, world) {
                        if graph::connect(&mut e.def, &from, &to) {
                            e.changed();
                        }
                    }
                }
                Some(Drag::Pan { .. }) => {}
                Some(Drag::Palette { item, .. }) => {
                    if over_canvas {
                        let at = Position {
                            x: world.x - NODE_W / 2.0,
                            y: world.y - NODE_H / 2.0,
                        };
                        e.place(item, at, first_template.as_deref());
                    }
                }
            },
            Msg::CancelDrag => {
                if e.drag.is_none() {
                    return self;
                }
                e.drag = None;
            }
            Msg::Zoom { factor, sx, sy } => {
                let zoom = (e.view.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
                let anchor = e.view.to_world(sx, sy);
                e.view.zoom = zoom;
                e.view.x = sx - anchor.x * zoom;
                e.view.y = sy - anchor.y * zoom;
            }
            Msg::ResetView => e.view = View::default(),
        }
        Rc::new(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reduce(e: Editor, msg: Msg) -> Editor {
        (*Rc::new(e).reduce(msg)).clone()
    }

    #[test]
    fn dragging_from_the_palette_onto_the_canvas_adds_a_node_where_it_lands() {
        let mut e = Editor::new(graph::blank(), "J".into());
        e = reduce(
            e,
            Msg::GrabPalette(PaletteItem::Node(NodeKind::Wait), 10.0, 10.0),
        );
        let world = Position { x: 300.0, y: 200.0 };
        e = reduce(
            e,
            Msg::PointerMove {
                client: (400.0, 300.0),
                world,
                over_canvas: true,
            },
        );
        e = reduce(
            e,
            Msg::PointerUp {
                world,
                over_canvas: true,
                first_template: None,
            },
        );
        assert_eq!(e.def.nodes.len(), 1);
        assert_eq!(e.def.nodes[0].position.x, (300.0 - NODE_W / 2.0).round());
        assert_eq!(e.selected, Selection::Node("wait-1".into()));
        assert!(e.dirty && e.drag.is_none());
    }

    #[test]
    fn an_edge_dropped_on_a_node_connects_and_one_dropped_on_nothing_does_not() {
        let mut e = Editor::new(graph::blank(), "J".into());
        e = reduce(
            e,
            Msg::AddFromPalette(PaletteItem::Node(NodeKind::Exit), None),
        );
        let target = e.def.nodes[0].position;
        e = reduce(e, Msg::GrabPort(Source::Trigger, Position::default()));
        e = reduce(
            e,
            Msg::PointerUp {
                world: Position {
                    x: -500.0,
                    y: -500.0,
                },
                over_canvas: true,
                first_template: None,
            },
        );
        assert_eq!(e.def.start, None);
        e = reduce(e, Msg::GrabPort(Source::Trigger, Position::default()));
        e = reduce(
            e,
            Msg::PointerUp {
                world: Position {
                    x: target.x + 20.0,
                    y: target.y + 5.0,
                },
                over_canvas: true,
                first_template: None,
            },
        );
        assert_eq!(e.def.start.as_deref(), Some("exit-1"));
    }

    #[test]
    fn zooming_keeps_the_point_under_the_pointer_still() {
        let e = Editor::new(graph::blank(), "J".into());
        let before = e.view.to_world(200.0, 150.0);
        let e = reduce(
            e,
            Msg::Zoom {
                factor: 1.5,
                sx: 200.0,
                sy: 150.0,
            },
        );
        let after = e.view.to_world(200.0, 150.0);
        assert!((before.x - after.x).abs() < 1e-9 && (before.y - after.y).abs() < 1e-9);
        assert_eq!(e.view.zoom, 1.5);
    }
}
