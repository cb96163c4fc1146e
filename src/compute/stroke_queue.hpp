#pragma once
// cuvk::compute::StrokeQueue — pointer events turned into brush strokes over a sample's grid and held until the
// sample's next step() applies them (CpuSimulation::pointer, CudaSimulation::pointer). Host only: the CUDA and the
// CPU implementation of a sample each own one and turn the same events into the same strokes (same bits).
//
// Threads: used by the thread that drives the simulation, like the simulation itself.

#include "brush.cuh"
#include "cuvk/compute/simulation.hpp"
#include "cuvk/core/types.hpp"

#include <cstddef>
#include <vector>

namespace cuvk::compute {

class StrokeQueue {
public:
    // Most strokes held at once; beyond it push() merges (see there), so a consumer that stalls costs no memory.
    static constexpr std::size_t kCapacity = 64;

    // Strokes over a grid of `extent` cells that spans the display, with a disc of radius_fraction times the
    // shorter side (at least 1.5 cells).
    explicit StrokeQueue(core::Extent2D extent, float radius_fraction = 0.025f);

    // Queues the stroke of `event` when its left or right button is held: from where the pointer was,
    // (x - dx, y - dy), to where it is (positions are clamped to [-1, 2]; NaN counts as -1). A stroke that reaches
    // no cell is dropped, and so is an event without those buttons. With kCapacity strokes queued, the newest one is
    // stretched instead: it ends where this event does and takes its buttons (the path in between becomes straight).
    void push(const PointerEvent& event);
    // The queued strokes in arrival order; the queue is empty afterwards.
    std::vector<Stroke> take();

    std::size_t size() const noexcept { return strokes_.size(); }
    float radius() const noexcept { return radius_; }

private:
    // `s` with its box computed; false when the box is empty.
    bool clip(Stroke& s) const;

    core::Extent2D extent_;
    float radius_;
    std::vector<Stroke> strokes_;
};

} // namespace cuvk::compute
