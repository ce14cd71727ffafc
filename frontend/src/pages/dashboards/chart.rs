//! One chart on a `<canvas>`, drawn by the `plotters` library through its canvas
//! backend: a funnel, bars (vertical or horizontal), a trend line or a pie.
//!
//! While drawing, the chart keeps where each bar, step, point or slice landed in
//! canvas pixels — taken from the chart's own coordinate mapping
//! (`ChartContext::backend_coord`) — so a click on the canvas finds the item under the
//! pointer and reports its index through `on_pick`. Every chart also has an accessible
//! table or legend beside it (in the widgets), which is what keyboards and screen
//! readers use.
//!
//! When a drawing is finished the canvas gets `data-drawn="true"` and `data-items`
//! (how many clickable items it has), so tests and print can wait for it.

use std::cell::RefCell;
use std::f64::consts::PI;
use std::rc::Rc;

use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_canvas::CanvasBackend;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

/// The chart palette: the accent first, then calm hues that stay apart in print.
pub const PALETTE: [RGBColor; 8] = [
    RGBColor(79, 91, 213),
    RGBColor(34, 160, 140),
    RGBColor(232, 150, 54),
    RGBColor(201, 76, 120),
    RGBColor(96, 165, 230),
    RGBColor(140, 110, 200),
    RGBColor(120, 160, 70),
    RGBColor(150, 156, 168),
];

/// The CSS colour of palette entry `i`, for legends drawn in HTML.
pub fn css_color(i: usize) -> String {
    let RGBColor(r, g, b) = PALETTE[i % PALETTE.len()];
    format!("rgb({r},{g},{b})")
}

const TEXT: RGBColor = RGBColor(27, 31, 36);
const MUTED: RGBColor = RGBColor(91, 99, 112);
const GRID: RGBColor = RGBColor(228, 231, 236);
const FONT: &str = "sans-serif";

/// One line of a trend chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Series {
    pub name: String,
    pub values: Vec<f64>,
}

/// What to draw. Labels are already translated and values already chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum ChartSpec {
    /// Centred bars narrowing down, each with its count and conversion text.
    Funnel {
        labels: Vec<String>,
        values: Vec<f64>,
        /// Written inside each step, e.g. "120 · 45%".
        notes: Vec<String>,
    },
    Bars {
        labels: Vec<String>,
        values: Vec<f64>,
        /// Written at the end of each bar (formatted amounts, counts).
        value_labels: Vec<String>,
        horizontal: bool,
    },
    Line {
        labels: Vec<String>,
        series: Vec<Series>,
    },
    Pie {
        labels: Vec<String>,
        values: Vec<f64>,
    },
}

impl ChartSpec {
    fn is_empty(&self) -> bool {
        match self {
            ChartSpec::Funnel { values, .. }
            | ChartSpec::Bars { values, .. }
            | ChartSpec::Pie { values, .. } => values.iter().all(|v| *v <= 0.0),
            ChartSpec::Line { series, .. } => {
                series.iter().all(|s| s.values.iter().all(|v| *v <= 0.0))
            }
        }
    }
}

/// Where a clickable item landed, in canvas pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Hit {
    Rect {
        x0: f64,
        y0: f64,
        x1: f64,
        y1: f64,
        index: usize,
    },
    Slice {
        cx: f64,
        cy: f64,
        radius: f64,
        /// Clockwise from 12 o'clock, radians.
        start: f64,
        end: f64,
        index: usize,
    },
}

impl Hit {
    fn index_at(&self, x: f64, y: f64) -> Option<usize> {
        match *self {
            Hit::Rect {
                x0,
                y0,
                x1,
                y1,
                index,
            } => (x >= x0.min(x1) && x <= x0.max(x1) && y >= y0.min(y1) && y <= y0.max(y1))
                .then_some(index),
            Hit::Slice {
                cx,
                cy,
                radius,
                start,
                end,
                index,
            } => {
                let (dx, dy) = (x - cx, y - cy);
                if dx.hypot(dy) > radius {
                    return None;
                }
                // Angle clockwise from 12 o'clock, 0..2π.
                let angle = (dx.atan2(-dy) + 2.0 * PI) % (2.0 * PI);
                (angle >= start && angle < end).then_some(index)
            }
        }
    }
}

/// Where the items are, in CSS pixels from the canvas' top left: `x0,y0,x1,y1` per
/// bar (a slice gives its bounding square), `;`-separated, in item order.
fn hits_attr(hits: &[Hit]) -> String {
    let scale = device_scale();
    hits.iter()
        .map(|h| {
            let (x0, y0, x1, y1) = match *h {
                Hit::Rect { x0, y0, x1, y1, .. } => {
                    (x0.min(x1), y0.min(y1), x0.max(x1), y0.max(y1))
                }
                Hit::Slice { cx, cy, radius, .. } => {
                    (cx - radius, cy - radius, cx + radius, cy + radius)
                }
            };
            format!(
                "{:.0},{:.0},{:.0},{:.0}",
                x0 / scale,
                y0 / scale,
                x1 / scale,
                y1 / scale
            )
        })
        .collect::<Vec<_>>()
        .join(";")
}

/// The item under `(x, y)` (canvas pixels), if any.
fn pick(hits: &[Hit], x: f64, y: f64) -> Option<usize> {
    hits.iter().find_map(|h| h.index_at(x, y))
}

#[derive(Properties, PartialEq)]
pub struct ChartProps {
    pub spec: ChartSpec,
    /// Called with the index of the bar, step, point or slice clicked.
    #[prop_or_default]
    pub on_pick: Option<Callback<usize>>,
    /// CSS pixels.
    #[prop_or(240)]
    pub height: u32,
    pub label: AttrValue,
    pub testid: AttrValue,
    /// Shown instead of the chart when every value is zero.
    pub empty_text: AttrValue,
}

#[component]
pub fn Chart(props: &ChartProps) -> Html {
    let canvas = use_node_ref();
    let hits: Rc<RefCell<Vec<Hit>>> = use_mut_ref(Vec::new);
    let hover = use_state(|| false);
    // Redraw when the window is resized (width changes), and for print.
    let width_tick = use_state(|| 0u32);
    {
        let width_tick = width_tick.clone();
        use_effect_with((), move |_| {
            let tick = Rc::new(RefCell::new(0u32));
            let handler = Closure::<dyn Fn()>::new(move || {
                *tick.borrow_mut() += 1;
                width_tick.set(*tick.borrow());
            });
            let window = gloo::utils::window();
            let _ =
                window.add_event_listener_with_callback("resize", handler.as_ref().unchecked_ref());
            let _ = window
                .add_event_listener_with_callback("beforeprint", handler.as_ref().unchecked_ref());
            move || {
                let window = gloo::utils::window();
                let _ = window.remove_event_listener_with_callback(
                    "resize",
                    handler.as_ref().unchecked_ref(),
                );
                let _ = window.remove_event_listener_with_callback(
                    "beforeprint",
                    handler.as_ref().unchecked_ref(),
                );
                drop(handler);
            }
        });
    }
    let empty = props.spec.is_empty();
    {
        let (canvas, hits) = (canvas.clone(), hits.clone());
        let height = props.height;
        use_effect_with(
            (props.spec.clone(), *width_tick, height, empty),
            move |(spec, _, height, empty)| {
                if !*empty {
                    if let Some(el) = canvas.cast::<HtmlCanvasElement>() {
                        let _ = el.remove_attribute("data-drawn");
                        match render(&el, spec, *height) {
                            Ok(found) => {
                                let _ = el.set_attribute("data-items", &found.len().to_string());
                                let _ = el.set_attribute("data-hits", &hits_attr(&found));
                                *hits.borrow_mut() = found;
                                let _ = el.set_attribute("data-drawn", "true");
                            }
                            Err(err) => gloo::console::warn!(format!("chart not drawn: {err}")),
                        }
                    }
                }
            },
        );
    }

    if empty {
        return html! {
            <div class="chart-empty" data-testid={props.testid.clone()} data-empty="true"
                 style={format!("min-height:{}px", props.height.min(120))}>
                { props.empty_text.clone() }
            </div>
        };
    }

    let onclick = {
        let (hits, on_pick) = (hits.clone(), props.on_pick.clone());
        Callback::from(move |e: MouseEvent| {
            if let Some(on_pick) = &on_pick {
                let scale = device_scale();
                let (x, y) = (
                    f64::from(e.offset_x()) * scale,
                    f64::from(e.offset_y()) * scale,
                );
                if let Some(index) = pick(&hits.borrow(), x, y) {
                    on_pick.emit(index);
                }
            }
        })
    };
    let onmousemove = {
        let (hits, hover, clickable) = (hits.clone(), hover.clone(), props.on_pick.is_some());
        Callback::from(move |e: MouseEvent| {
            let scale = device_scale();
            let (x, y) = (
                f64::from(e.offset_x()) * scale,
                f64::from(e.offset_y()) * scale,
            );
            let over = clickable && pick(&hits.borrow(), x, y).is_some();
            if *hover != over {
                hover.set(over);
            }
        })
    };
    html! {
        <canvas ref={canvas} class={classes!("chart", (*hover).then_some("is-pointing"))}
                role="img" aria-label={props.label.clone()} data-testid={props.testid.clone()}
                style={format!("height:{}px", props.height)} {onclick} {onmousemove} />
    }
}

/// Canvas pixels per CSS pixel; charts are drawn at the screen's density.
fn device_scale() -> f64 {
    gloo::utils::window().device_pixel_ratio().clamp(1.0, 3.0)
}

type DrawResult<T> = Result<T, String>;

fn err<E: std::fmt::Display>(e: E) -> String {
    e.to_string()
}

/// Sizes the canvas to its box at the screen's density and draws `spec` on it.
fn render(canvas: &HtmlCanvasElement, spec: &ChartSpec, height: u32) -> DrawResult<Vec<Hit>> {
    let scale = device_scale();
    let css_width = canvas.client_width().max(200) as f64;
    canvas.set_width((css_width * scale).round() as u32);
    canvas.set_height((f64::from(height) * scale).round() as u32);
    let backend = CanvasBackend::with_canvas_object(canvas.clone())
        .ok_or_else(|| "the browser gave no 2D context".to_owned())?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE).map_err(err)?;
    let s = |px: f64| px * scale;
    let hits = match spec {
        ChartSpec::Funnel {
            labels,
            values,
            notes,
        } => funnel(&root, labels, values, notes, &s)?,
        ChartSpec::Bars {
            labels,
            values,
            value_labels,
            horizontal: true,
        } => horizontal_bars(&root, labels, values, value_labels, &s)?,
        ChartSpec::Bars {
            labels,
            values,
            value_labels,
            horizontal: false,
        } => vertical_bars(&root, labels, values, value_labels, &s)?,
        ChartSpec::Line { labels, series } => line(&root, labels, series, &s)?,
        ChartSpec::Pie { labels, values } => pie(&root, labels, values, &s)?,
    };
    root.present().map_err(err)?;
    Ok(hits)
}

type Area = DrawingArea<CanvasBackend, plotters::coord::Shift>;

fn font(size: f64, color: RGBColor) -> TextStyle<'static> {
    let mut style = TextStyle::from((FONT, size).into_font());
    style.color = color.to_backend_color();
    style
}

/// Keeps axis labels short enough to sit beside a bar.
fn clip_label(label: &str, max_chars: usize) -> String {
    if label.chars().count() <= max_chars {
        label.to_owned()
    } else {
        let mut out: String = label.chars().take(max_chars.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

fn max_of(values: &[f64]) -> f64 {
    values.iter().copied().fold(0.0, f64::max).max(1.0)
}

fn segment_index(v: &SegmentValue<i32>) -> Option<usize> {
    match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => usize::try_from(*i).ok(),
        SegmentValue::Last => None,
    }
}

fn rect_hit(a: (i32, i32), b: (i32, i32), index: usize) -> Hit {
    Hit::Rect {
        x0: f64::from(a.0),
        y0: f64::from(a.1),
        x1: f64::from(b.0),
        y1: f64::from(b.1),
        index,
    }
}

fn funnel(
    root: &Area,
    labels: &[String],
    values: &[f64],
    notes: &[String],
    s: &dyn Fn(f64) -> f64,
) -> DrawResult<Vec<Hit>> {
    let n = labels.len() as i32;
    let max = max_of(values);
    let mut chart = ChartBuilder::on(root)
        .margin(s(8.0) as i32)
        .y_label_area_size(s(96.0) as i32)
        .build_cartesian_2d(-1.0f64..1.0f64, (0..n).into_segmented())
        .map_err(err)?;
    // The first step at the top.
    let row = |i: usize| n - 1 - i as i32;
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(labels.len())
        .y_label_style(font(s(13.0), TEXT))
        .y_label_formatter(&|v| {
            segment_index(v)
                .and_then(|r| labels.get((n - 1) as usize - r))
                .map(|l| clip_label(l, 14))
                .unwrap_or_default()
        })
        .axis_style(WHITE)
        .draw()
        .map_err(err)?;
    let mut hits = Vec::new();
    for (i, value) in values.iter().enumerate() {
        // Never thinner than a sliver, so an empty step is still a target.
        let half = (value / max).max(0.04) * 0.98;
        let color = PALETTE[0].mix(1.0 - i as f64 * 0.15);
        let (top, bottom) = (SegmentValue::Exact(row(i) + 1), SegmentValue::Exact(row(i)));
        let mut bar = Rectangle::new([(-half, top), (half, bottom)], color.filled());
        bar.set_margin(s(3.0) as u32, s(3.0) as u32, 0, 0);
        chart.draw_series(std::iter::once(bar)).map_err(err)?;
        let a = chart.backend_coord(&(-half, SegmentValue::Exact(row(i) + 1)));
        let b = chart.backend_coord(&(half, SegmentValue::Exact(row(i))));
        hits.push(rect_hit(a, b, i));
        // White only where the bar is wide and dark enough to carry it.
        let on_bar = half > 0.3 && i < 3;
        let style = font(s(13.0), if on_bar { WHITE } else { TEXT })
            .pos(Pos::new(HPos::Center, VPos::Center));
        let note = notes.get(i).cloned().unwrap_or_default();
        chart
            .draw_series(std::iter::once(Text::new(
                note,
                (0.0, SegmentValue::CenterOf(row(i))),
                style,
            )))
            .map_err(err)?;
    }
    Ok(hits)
}

fn horizontal_bars(
    root: &Area,
    labels: &[String],
    values: &[f64],
    value_labels: &[String],
    s: &dyn Fn(f64) -> f64,
) -> DrawResult<Vec<Hit>> {
    let n = labels.len() as i32;
    let max = max_of(values);
    let mut chart = ChartBuilder::on(root)
        .margin(s(8.0) as i32)
        .margin_right(s(16.0) as i32)
        .x_label_area_size(s(22.0) as i32)
        .y_label_area_size(s(104.0) as i32)
        .build_cartesian_2d(0.0..max * 1.25, (0..n).into_segmented())
        .map_err(err)?;
    let row = |i: usize| n - 1 - i as i32;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .x_labels(4)
        .x_label_style(font(s(11.0), MUTED))
        .x_label_formatter(&|v| compact(*v))
        .y_labels(labels.len())
        .y_label_style(font(s(12.5), TEXT))
        .y_label_formatter(&|v| {
            segment_index(v)
                .and_then(|r| labels.get((n - 1) as usize - r))
                .map(|l| clip_label(l, 12))
                .unwrap_or_default()
        })
        .axis_style(GRID)
        .draw()
        .map_err(err)?;
    let mut hits = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        let mut bar = Rectangle::new(
            [
                (0.0, SegmentValue::Exact(row(i) + 1)),
                (*value, SegmentValue::Exact(row(i))),
            ],
            color.filled(),
        );
        bar.set_margin(s(4.0) as u32, s(4.0) as u32, 0, 0);
        chart.draw_series(std::iter::once(bar)).map_err(err)?;
        // The whole row is the target, so a short bar is easy to hit.
        let a = chart.backend_coord(&(0.0, SegmentValue::Exact(row(i) + 1)));
        let b = chart.backend_coord(&(max * 1.25, SegmentValue::Exact(row(i))));
        hits.push(rect_hit(a, b, i));
        let text = value_labels.get(i).cloned().unwrap_or_default();
        let (x, y) = chart.backend_coord(&(*value, SegmentValue::CenterOf(row(i))));
        root.draw(&Text::new(
            text,
            (x + s(6.0) as i32, y),
            font(s(12.0), MUTED).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
    }
    Ok(hits)
}

fn vertical_bars(
    root: &Area,
    labels: &[String],
    values: &[f64],
    value_labels: &[String],
    s: &dyn Fn(f64) -> f64,
) -> DrawResult<Vec<Hit>> {
    let n = labels.len() as i32;
    let max = max_of(values);
    let mut chart = ChartBuilder::on(root)
        .margin(s(8.0) as i32)
        .margin_top(s(18.0) as i32)
        .x_label_area_size(s(26.0) as i32)
        .y_label_area_size(s(44.0) as i32)
        .build_cartesian_2d((0..n).into_segmented(), 0.0..max * 1.15)
        .map_err(err)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .y_labels(4)
        .y_label_style(font(s(11.0), MUTED))
        .y_label_formatter(&|v| compact(*v))
        .x_labels(labels.len())
        .x_label_style(font(s(11.5), TEXT))
        .x_label_formatter(&|v| {
            segment_index(v)
                .and_then(|i| labels.get(i))
                .map(|l| clip_label(l, 10))
                .unwrap_or_default()
        })
        .axis_style(GRID)
        .draw()
        .map_err(err)?;
    let mut hits = Vec::new();
    for (i, value) in values.iter().enumerate() {
        let at = i as i32;
        let mut bar = Rectangle::new(
            [
                (SegmentValue::Exact(at), *value),
                (SegmentValue::Exact(at + 1), 0.0),
            ],
            PALETTE[0].filled(),
        );
        bar.set_margin(0, 0, s(8.0) as u32, s(8.0) as u32);
        chart.draw_series(std::iter::once(bar)).map_err(err)?;
        let a = chart.backend_coord(&(SegmentValue::Exact(at), max * 1.15));
        let b = chart.backend_coord(&(SegmentValue::Exact(at + 1), 0.0));
        hits.push(rect_hit(a, b, i));
        let text = value_labels.get(i).cloned().unwrap_or_default();
        let (x, y) = chart.backend_coord(&(SegmentValue::CenterOf(at), *value));
        root.draw(&Text::new(
            text,
            (x, y - s(4.0) as i32),
            font(s(11.5), MUTED).pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))
        .map_err(err)?;
    }
    Ok(hits)
}

fn line(
    root: &Area,
    labels: &[String],
    series: &[Series],
    s: &dyn Fn(f64) -> f64,
) -> DrawResult<Vec<Hit>> {
    let n = labels.len().max(1);
    let max = series.iter().map(|s| max_of(&s.values)).fold(1.0, f64::max);
    let last = (n - 1) as f64;
    let mut chart = ChartBuilder::on(root)
        .margin(s(10.0) as i32)
        .margin_right(s(20.0) as i32)
        .x_label_area_size(s(26.0) as i32)
        .y_label_area_size(s(44.0) as i32)
        .build_cartesian_2d(-0.3..last + 0.3, 0.0..max * 1.15)
        .map_err(err)?;
    // At most about eight dates along the axis.
    let every = n.div_ceil(8).max(1);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .y_labels(4)
        .y_label_style(font(s(11.0), MUTED))
        .y_label_formatter(&|v| compact(*v))
        .x_labels(n.min(60) + 1)
        .x_label_style(font(s(11.0), MUTED))
        .x_label_formatter(&|v| {
            let i = v.round();
            if (v - i).abs() > 0.01 || i < 0.0 {
                return String::new();
            }
            let i = i as usize;
            if !i.is_multiple_of(every) {
                return String::new();
            }
            labels.get(i).cloned().unwrap_or_default()
        })
        .axis_style(GRID)
        .draw()
        .map_err(err)?;
    for (k, line) in series.iter().enumerate() {
        let color = PALETTE[k % PALETTE.len()];
        let points: Vec<(f64, f64)> = line
            .values
            .iter()
            .enumerate()
            .map(|(i, v)| (i as f64, *v))
            .collect();
        chart
            .draw_series(LineSeries::new(
                points.clone(),
                color.stroke_width(s(2.0) as u32),
            ))
            .map_err(err)?
            .label(line.name.clone())
            .legend(move |(x, y)| Rectangle::new([(x, y - 4), (x + 14, y + 4)], color.filled()));
        if n <= 62 {
            chart
                .draw_series(
                    points
                        .iter()
                        .map(|p| Circle::new(*p, s(3.0) as i32, color.filled())),
                )
                .map_err(err)?;
        }
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(GRID)
        .label_font(font(s(12.0), TEXT))
        .draw()
        .map_err(err)?;
    // Each period is a column-wide target.
    let mut hits = Vec::new();
    for i in 0..labels.len() {
        let a = chart.backend_coord(&(i as f64 - 0.5, max * 1.15));
        let b = chart.backend_coord(&(i as f64 + 0.5, 0.0));
        hits.push(rect_hit(a, b, i));
    }
    Ok(hits)
}

fn pie(
    root: &Area,
    labels: &[String],
    values: &[f64],
    s: &dyn Fn(f64) -> f64,
) -> DrawResult<Vec<Hit>> {
    let (w, h) = root.dim_in_pixel();
    let radius = (f64::from(w.min(h)) / 2.0 - s(12.0)).max(s(20.0));
    let center = ((w / 2) as i32, (h / 2) as i32);
    let colors: Vec<RGBColor> = (0..values.len())
        .map(|i| PALETTE[i % PALETTE.len()])
        .collect();
    // Names are in the legend beside the ring; wedges big enough carry their share.
    let blanks: Vec<&str> = labels.iter().map(|_| "").collect();
    let hole = radius * 0.55;
    let mut pie = Pie::new(&center, &radius, values, &colors, &blanks);
    pie.start_angle(-90.0);
    pie.donut_hole(hole);
    pie.label_style(font(1.0, WHITE));
    root.draw(&pie).map_err(err)?;
    let total: f64 = values.iter().sum();
    let mut at = 0.0;
    for value in values {
        let share = if total > 0.0 { value / total } else { 0.0 };
        if share >= 0.08 {
            // Mid-ring, mid-wedge; angles clockwise from 12 o'clock.
            let mid = (at + share / 2.0) * 2.0 * PI;
            let r = (radius + hole) / 2.0;
            let (x, y) = (
                f64::from(center.0) + r * mid.sin(),
                f64::from(center.1) - r * mid.cos(),
            );
            root.draw(&Text::new(
                format!("{:.0}%", share * 100.0),
                (x as i32, y as i32),
                font(s(11.5), WHITE).pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(err)?;
        }
        at += share;
    }
    let mut hits = Vec::new();
    let mut start = 0.0;
    for (index, value) in values.iter().enumerate() {
        let sweep = if total > 0.0 {
            value / total * 2.0 * PI
        } else {
            0.0
        };
        hits.push(Hit::Slice {
            cx: f64::from(center.0),
            cy: f64::from(center.1),
            radius,
            start,
            end: start + sweep,
            index,
        });
        start += sweep;
    }
    Ok(hits)
}

/// Axis numbers: `1200` → `1.2k`, `3500000` → `3.5M`; small ones as they are.
pub fn compact(v: f64) -> String {
    let a = v.abs();
    let (n, unit) = if a >= 1e6 {
        (v / 1e6, "M")
    } else if a >= 1e4 {
        (v / 1e3, "k")
    } else {
        (v, "")
    };
    let text = if (n - n.round()).abs() < 0.05 {
        format!("{}", n.round() as i64)
    } else {
        format!("{n:.1}")
    };
    format!("{text}{unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_click_finds_the_bar_or_slice_under_it() {
        let hits = vec![
            Hit::Rect {
                x0: 10.0,
                y0: 10.0,
                x1: 50.0,
                y1: 30.0,
                index: 0,
            },
            Hit::Rect {
                x0: 10.0,
                y0: 40.0,
                x1: 50.0,
                y1: 60.0,
                index: 1,
            },
        ];
        assert_eq!(pick(&hits, 20.0, 20.0), Some(0));
        assert_eq!(pick(&hits, 20.0, 50.0), Some(1));
        assert_eq!(pick(&hits, 20.0, 35.0), None);
        let slices = vec![
            Hit::Slice {
                cx: 100.0,
                cy: 100.0,
                radius: 50.0,
                start: 0.0,
                end: PI,
                index: 0,
            },
            Hit::Slice {
                cx: 100.0,
                cy: 100.0,
                radius: 50.0,
                start: PI,
                end: 2.0 * PI,
                index: 1,
            },
        ];
        // Right of centre is the first half (clockwise from 12), left the second.
        assert_eq!(pick(&slices, 130.0, 100.0), Some(0));
        assert_eq!(pick(&slices, 70.0, 100.0), Some(1));
        assert_eq!(pick(&slices, 100.0, 10.0), None);
    }

    #[test]
    fn axis_numbers_are_short() {
        assert_eq!(compact(12.0), "12");
        assert_eq!(compact(12_000.0), "12k");
        assert_eq!(compact(3_500_000.0), "3.5M");
        assert_eq!(compact(2.5), "2.5");
    }
}
