;; unimargin engine kernel: grid margin of many accounts over the engine's columns (see layout.ts for the
;; header and docs/engine.md for the reasoning). Compiled by scripts/build-wasm.ts into kernel.wasm.ts.
;;
;; It does exactly what kernelJs.ts does, operation for operation and in the same order, so both give the
;; same bits: per scenario the sum q1*r1 + q2*r2 + ... in slot order (mul then add, no fused multiply-add),
;; then the minimum. Two scenarios per f64x2 lane; a chunk of 16 scenarios (8 lanes) is held in registers
;; while every slot of a segment is added into it, so the accumulators never go through memory.

(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; Column addresses, read from the header at the start of each exported call (per-instance globals).
  (global $rowBytes (mut i32) (i32.const 0))
  (global $rowRank (mut i32) (i32.const 0))
  (global $rowValues (mut i32) (i32.const 0))
  (global $rowMin (mut i32) (i32.const 0))
  (global $rowMax (mut i32) (i32.const 0))
  (global $rowShortOption (mut i32) (i32.const 0))
  (global $rowPremium (mut i32) (i32.const 0))
  (global $rowIsOption (mut i32) (i32.const 0))
  (global $rowLoan (mut i32) (i32.const 0))
  (global $slotStart (mut i32) (i32.const 0))
  (global $slotCount (mut i32) (i32.const 0))
  (global $slotRow (mut i32) (i32.const 0))
  (global $slotQuantity (mut i32) (i32.const 0))
  (global $slotEntry (mut i32) (i32.const 0))
  (global $segmentMm (mut i32) (i32.const 0))
  (global $segmentIm (mut i32) (i32.const 0))
  (global $accountMm (mut i32) (i32.const 0))
  (global $accountIm (mut i32) (i32.const 0))
  (global $assetRows (mut i32) (i32.const 0))
  (global $imMultiplier (mut f64) (f64.const 0))
  (global $loanMmRate (mut f64) (f64.const 0))
  (global $loanImRate (mut f64) (f64.const 0))

  (func $readHeader
    (global.set $rowBytes (i32.load (i32.const 0)))
    (global.set $rowRank (i32.load (i32.const 4)))
    (global.set $rowValues (i32.load (i32.const 8)))
    (global.set $rowMin (i32.load (i32.const 12)))
    (global.set $rowMax (i32.load (i32.const 16)))
    (global.set $rowShortOption (i32.load (i32.const 20)))
    (global.set $rowPremium (i32.load (i32.const 24)))
    (global.set $rowIsOption (i32.load (i32.const 28)))
    (global.set $rowLoan (i32.load (i32.const 32)))
    (global.set $slotStart (i32.load (i32.const 36)))
    (global.set $slotCount (i32.load (i32.const 40)))
    (global.set $slotRow (i32.load (i32.const 44)))
    (global.set $slotQuantity (i32.load (i32.const 48)))
    (global.set $segmentMm (i32.load (i32.const 52)))
    (global.set $segmentIm (i32.load (i32.const 56)))
    (global.set $accountMm (i32.load (i32.const 60)))
    (global.set $accountIm (i32.load (i32.const 64)))
    (global.set $assetRows (i32.load (i32.const 68)))
    (global.set $imMultiplier (f64.load (i32.const 72)))
    (global.set $loanMmRate (f64.load (i32.const 80)))
    (global.set $loanImRate (f64.load (i32.const 88)))
    (global.set $slotEntry (i32.load (i32.const 96))))

  ;; Worst entry (at most 0) of the summed scenario vector of slots p..end, more than one of them non-zero.
  ;; Rows are padded to a multiple of 8 scenarios: chunks of 16 scenarios (eight f64x2 accumulators), then
  ;; at most one chunk of 8. No calls in loops: V8 (Node 20) does not inline wasm functions.
  (func $worstOfMany (param $p i32) (param $end i32) (result f64)
    (local $values i32) (local $rowBytes i32) (local $full i32) (local $lane i32)
    (local $q0 i32) (local $r0 i32) (local $qEnd i32) (local $qp i32) (local $rp i32)
    (local $q f64) (local $qv v128) (local $at i32) (local $m v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $a6 v128) (local $a7 v128)
    (local.set $values (global.get $rowValues))
    (local.set $rowBytes (global.get $rowBytes))
    (local.set $full (i32.and (local.get $rowBytes) (i32.const -128)))
    (local.set $m (f64x2.splat (f64.const 0)))
    ;; The first non-zero slot starts every chunk's sums (q * r, no add), as the reference does.
    (local.set $q0 (i32.add (global.get $slotQuantity) (i32.shl (local.get $p) (i32.const 3))))
    (local.set $r0 (i32.add (global.get $slotRow) (i32.shl (local.get $p) (i32.const 2))))
    (local.set $qEnd (i32.add (global.get $slotQuantity) (i32.shl (local.get $end) (i32.const 3))))
    (block $found
      (loop $skip
        (br_if $found (f64.ne (f64.load (local.get $q0)) (f64.const 0)))
        (local.set $q0 (i32.add (local.get $q0) (i32.const 8)))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 4)))
        (br $skip)))
    (block $chunksDone
      (loop $chunks
        (br_if $chunksDone (i32.ge_u (local.get $lane) (local.get $full)))
        (local.set $qv (f64x2.splat (f64.load (local.get $q0))))
        (local.set $at (i32.add (i32.add (local.get $values)
          (i32.mul (i32.load (local.get $r0)) (local.get $rowBytes))) (local.get $lane)))
        (local.set $a0 (f64x2.mul (v128.load offset=0 (local.get $at)) (local.get $qv)))
        (local.set $a1 (f64x2.mul (v128.load offset=16 (local.get $at)) (local.get $qv)))
        (local.set $a2 (f64x2.mul (v128.load offset=32 (local.get $at)) (local.get $qv)))
        (local.set $a3 (f64x2.mul (v128.load offset=48 (local.get $at)) (local.get $qv)))
        (local.set $a4 (f64x2.mul (v128.load offset=64 (local.get $at)) (local.get $qv)))
        (local.set $a5 (f64x2.mul (v128.load offset=80 (local.get $at)) (local.get $qv)))
        (local.set $a6 (f64x2.mul (v128.load offset=96 (local.get $at)) (local.get $qv)))
        (local.set $a7 (f64x2.mul (v128.load offset=112 (local.get $at)) (local.get $qv)))
        (local.set $qp (i32.add (local.get $q0) (i32.const 8)))
        (local.set $rp (i32.add (local.get $r0) (i32.const 4)))
        (block $slotsDone
          (loop $slots
            (br_if $slotsDone (i32.ge_u (local.get $qp) (local.get $qEnd)))
            (local.set $q (f64.load (local.get $qp)))
            (if (f64.ne (local.get $q) (f64.const 0))
              (then
                (local.set $qv (f64x2.splat (local.get $q)))
                (local.set $at (i32.add (i32.add (local.get $values)
                  (i32.mul (i32.load (local.get $rp)) (local.get $rowBytes))) (local.get $lane)))
                (local.set $a0 (f64x2.add (local.get $a0)
                  (f64x2.mul (v128.load offset=0 (local.get $at)) (local.get $qv))))
                (local.set $a1 (f64x2.add (local.get $a1)
                  (f64x2.mul (v128.load offset=16 (local.get $at)) (local.get $qv))))
                (local.set $a2 (f64x2.add (local.get $a2)
                  (f64x2.mul (v128.load offset=32 (local.get $at)) (local.get $qv))))
                (local.set $a3 (f64x2.add (local.get $a3)
                  (f64x2.mul (v128.load offset=48 (local.get $at)) (local.get $qv))))
                (local.set $a4 (f64x2.add (local.get $a4)
                  (f64x2.mul (v128.load offset=64 (local.get $at)) (local.get $qv))))
                (local.set $a5 (f64x2.add (local.get $a5)
                  (f64x2.mul (v128.load offset=80 (local.get $at)) (local.get $qv))))
                (local.set $a6 (f64x2.add (local.get $a6)
                  (f64x2.mul (v128.load offset=96 (local.get $at)) (local.get $qv))))
                (local.set $a7 (f64x2.add (local.get $a7)
                  (f64x2.mul (v128.load offset=112 (local.get $at)) (local.get $qv))))))
            (local.set $qp (i32.add (local.get $qp) (i32.const 8)))
            (local.set $rp (i32.add (local.get $rp) (i32.const 4)))
            (br $slots)))
        (local.set $m
          (f64x2.min (local.get $m)
            (f64x2.min
              (f64x2.min (f64x2.min (local.get $a0) (local.get $a1)) (f64x2.min (local.get $a2) (local.get $a3)))
              (f64x2.min (f64x2.min (local.get $a4) (local.get $a5)) (f64x2.min (local.get $a6) (local.get $a7))))))
        (local.set $lane (i32.add (local.get $lane) (i32.const 128)))
        (br $chunks)))
    ;; The last 8 scenarios, when the padded width is not a multiple of 16.
    (if (i32.lt_u (local.get $lane) (local.get $rowBytes))
      (then
        (local.set $qv (f64x2.splat (f64.load (local.get $q0))))
        (local.set $at (i32.add (i32.add (local.get $values)
          (i32.mul (i32.load (local.get $r0)) (local.get $rowBytes))) (local.get $lane)))
        (local.set $a0 (f64x2.mul (v128.load offset=0 (local.get $at)) (local.get $qv)))
        (local.set $a1 (f64x2.mul (v128.load offset=16 (local.get $at)) (local.get $qv)))
        (local.set $a2 (f64x2.mul (v128.load offset=32 (local.get $at)) (local.get $qv)))
        (local.set $a3 (f64x2.mul (v128.load offset=48 (local.get $at)) (local.get $qv)))
        (local.set $qp (i32.add (local.get $q0) (i32.const 8)))
        (local.set $rp (i32.add (local.get $r0) (i32.const 4)))
        (block $slotsDone
          (loop $slots
            (br_if $slotsDone (i32.ge_u (local.get $qp) (local.get $qEnd)))
            (local.set $q (f64.load (local.get $qp)))
            (if (f64.ne (local.get $q) (f64.const 0))
              (then
                (local.set $qv (f64x2.splat (local.get $q)))
                (local.set $at (i32.add (i32.add (local.get $values)
                  (i32.mul (i32.load (local.get $rp)) (local.get $rowBytes))) (local.get $lane)))
                (local.set $a0 (f64x2.add (local.get $a0)
                  (f64x2.mul (v128.load offset=0 (local.get $at)) (local.get $qv))))
                (local.set $a1 (f64x2.add (local.get $a1)
                  (f64x2.mul (v128.load offset=16 (local.get $at)) (local.get $qv))))
                (local.set $a2 (f64x2.add (local.get $a2)
                  (f64x2.mul (v128.load offset=32 (local.get $at)) (local.get $qv))))
                (local.set $a3 (f64x2.add (local.get $a3)
                  (f64x2.mul (v128.load offset=48 (local.get $at)) (local.get $qv))))))
            (local.set $qp (i32.add (local.get $qp) (i32.const 8)))
            (local.set $rp (i32.add (local.get $rp) (i32.const 4)))
            (br $slots)))
        (local.set $m
          (f64x2.min (local.get $m)
            (f64x2.min (f64x2.min (local.get $a0) (local.get $a1)) (f64x2.min (local.get $a2) (local.get $a3)))))))
    (f64.min (f64x2.extract_lane 0 (local.get $m)) (f64x2.extract_lane 1 (local.get $m))))

  ;; Worst entry (at most 0) of q1 * r1 + q2 * r2 for the two slots p and p + 1, both non-zero: the most
  ;; common segment after a single position, without the general loop's per-slot bookkeeping.
  (func $worstOfPair (param $p i32) (result f64)
    (local $x i32) (local $y i32) (local $end i32) (local $qx v128) (local $qy v128) (local $m v128)
    (local.set $qx (f64x2.splat
      (f64.load (i32.add (global.get $slotQuantity) (i32.shl (local.get $p) (i32.const 3))))))
    (local.set $qy (f64x2.splat
      (f64.load offset=8 (i32.add (global.get $slotQuantity) (i32.shl (local.get $p) (i32.const 3))))))
    (local.set $x (i32.add (global.get $rowValues) (i32.mul (global.get $rowBytes)
      (i32.load (i32.add (global.get $slotRow) (i32.shl (local.get $p) (i32.const 2)))))))
    (local.set $y (i32.add (global.get $rowValues) (i32.mul (global.get $rowBytes)
      (i32.load offset=4 (i32.add (global.get $slotRow) (i32.shl (local.get $p) (i32.const 2)))))))
    (local.set $end (i32.add (local.get $x) (global.get $rowBytes)))
    (local.set $m (f64x2.splat (f64.const 0)))
    ;; Rows are a multiple of 8 scenarios: 64 bytes a step.
    (loop $chunks
      (local.set $m (f64x2.min (local.get $m) (f64x2.min
        (f64x2.min
          (f64x2.add (f64x2.mul (v128.load offset=0 (local.get $x)) (local.get $qx))
            (f64x2.mul (v128.load offset=0 (local.get $y)) (local.get $qy)))
          (f64x2.add (f64x2.mul (v128.load offset=16 (local.get $x)) (local.get $qx))
            (f64x2.mul (v128.load offset=16 (local.get $y)) (local.get $qy))))
        (f64x2.min
          (f64x2.add (f64x2.mul (v128.load offset=32 (local.get $x)) (local.get $qx))
            (f64x2.mul (v128.load offset=32 (local.get $y)) (local.get $qy)))
          (f64x2.add (f64x2.mul (v128.load offset=48 (local.get $x)) (local.get $qx))
            (f64x2.mul (v128.load offset=48 (local.get $y)) (local.get $qy)))))))
      (local.set $x (i32.add (local.get $x) (i32.const 64)))
      (local.set $y (i32.add (local.get $y) (i32.const 64)))
      (br_if $chunks (i32.lt_u (local.get $x) (local.get $end))))
    (f64.min (f64x2.extract_lane 0 (local.get $m)) (f64x2.extract_lane 1 (local.get $m))))

  ;; Worst entry (at most 0) when exactly one slot of p..end is non-zero: q * (min or max of its risk array),
  ;; exact because rounding is monotone.
  (func $worstOfOne (param $p i32) (param $end i32) (result f64)
    (local $s i32) (local $q f64) (local $row i32)
    (local.set $s (local.get $p))
    (block $found
      (loop $find
        (local.set $q (f64.load (i32.add (global.get $slotQuantity) (i32.shl (local.get $s) (i32.const 3)))))
        (br_if $found (f64.ne (local.get $q) (f64.const 0)))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br_if $find (i32.lt_u (local.get $s) (local.get $end)))))
    (local.set $row (i32.shl
      (i32.load (i32.add (global.get $slotRow) (i32.shl (local.get $s) (i32.const 2))))
      (i32.const 3)))
    (f64.min (f64.const 0)
      (if (result f64) (f64.gt (local.get $q) (f64.const 0))
        (then (f64.mul (local.get $q) (f64.load (i32.add (global.get $rowMin) (local.get $row)))))
        (else (f64.mul (local.get $q) (f64.load (i32.add (global.get $rowMax) (local.get $row))))))))

  ;; Computes the segment of slots p..end (one underlying) and stores its MM and IM at slot p.
  (func $segment (param $p i32) (param $end i32)
    (local $s i32) (local $q f64) (local $row i32) (local $shortOption f64) (local $premium f64)
    (local $longOnly i32) (local $nonZero i32) (local $worst f64) (local $mm f64) (local $im f64)
    (local.set $longOnly (i32.const 1))
    (local.set $s (local.get $p))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $s) (local.get $end)))
        (local.set $q (f64.load (i32.add (global.get $slotQuantity) (i32.shl (local.get $s) (i32.const 3)))))
        (if (f64.ne (local.get $q) (f64.const 0))
          (then
            (local.set $row (i32.load (i32.add (global.get $slotRow) (i32.shl (local.get $s) (i32.const 2)))))
            (local.set $nonZero (i32.add (local.get $nonZero) (i32.const 1)))
            (if (f64.lt (local.get $q) (f64.const 0))
              (then
                (local.set $shortOption
                  (f64.add (local.get $shortOption)
                    (f64.mul (f64.neg (local.get $q))
                      (f64.load (i32.add (global.get $rowShortOption)
                        (i32.shl (local.get $row) (i32.const 3)))))))))
            (if (i32.and
                  (i32.eq (i32.load (i32.add (global.get $rowIsOption) (i32.shl (local.get $row) (i32.const 2))))
                    (i32.const 1))
                  (f64.gt (local.get $q) (f64.const 0)))
              (then
                (local.set $premium
                  (f64.add (local.get $premium)
                    (f64.mul (local.get $q)
                      (f64.load (i32.add (global.get $rowPremium) (i32.shl (local.get $row) (i32.const 3))))))))
              (else (local.set $longOnly (i32.const 0))))))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $each)))
    (local.set $worst
      (if (result f64) (i32.eqz (local.get $nonZero))
        (then (f64.const 0))
        (else
          (if (result f64) (i32.eq (local.get $nonZero) (i32.const 1))
            (then (call $worstOfOne (local.get $p) (local.get $end)))
            (else
              (if (result f64) (i32.and (i32.eq (local.get $nonZero) (i32.const 2))
                    (i32.eq (local.get $end) (i32.add (local.get $p) (i32.const 2))))
                (then (call $worstOfPair (local.get $p)))
                (else (call $worstOfMany (local.get $p) (local.get $end)))))))))
    (local.set $mm (f64.max (f64.neg (local.get $worst)) (local.get $shortOption)))
    (local.set $im (f64.mul (global.get $imMultiplier) (local.get $mm)))
    (if (i32.and (local.get $longOnly) (i32.gt_u (local.get $nonZero) (i32.const 0)))
      (then
        (local.set $mm (f64.min (local.get $mm) (local.get $premium)))
        (local.set $im (f64.min (f64.mul (global.get $imMultiplier) (local.get $mm)) (local.get $premium)))))
    (f64.store (i32.add (global.get $segmentMm) (i32.shl (local.get $p) (i32.const 3))) (local.get $mm))
    (f64.store (i32.add (global.get $segmentIm) (i32.shl (local.get $p) (i32.const 3))) (local.get $im)))

  ;; The segment of the one slot p: what $segment computes for it, without its loops (most segments hold
  ;; one position). Same operations on the same values, so the same bits.
  (func $single (param $p i32)
    (local $q f64) (local $row i32) (local $shortOption f64) (local $premium f64) (local $longOnly i32)
    (local $worst f64) (local $mm f64) (local $im f64)
    (local.set $q (f64.load (i32.add (global.get $slotQuantity) (i32.shl (local.get $p) (i32.const 3)))))
    (if (f64.ne (local.get $q) (f64.const 0))
      (then
        (local.set $row (i32.load (i32.add (global.get $slotRow) (i32.shl (local.get $p) (i32.const 2)))))
        (if (f64.lt (local.get $q) (f64.const 0))
          (then
            (local.set $shortOption (f64.mul (f64.neg (local.get $q))
              (f64.load (i32.add (global.get $rowShortOption) (i32.shl (local.get $row) (i32.const 3))))))))
        (local.set $longOnly
          (i32.and
            (i32.eq (i32.load (i32.add (global.get $rowIsOption) (i32.shl (local.get $row) (i32.const 2))))
              (i32.const 1))
            (f64.gt (local.get $q) (f64.const 0))))
        (if (local.get $longOnly)
          (then
            (local.set $premium (f64.mul (local.get $q)
              (f64.load (i32.add (global.get $rowPremium) (i32.shl (local.get $row) (i32.const 3))))))))
        (local.set $worst
          (f64.min (f64.const 0)
            (if (result f64) (f64.gt (local.get $q) (f64.const 0))
              (then (f64.mul (local.get $q)
                (f64.load (i32.add (global.get $rowMin) (i32.shl (local.get $row) (i32.const 3))))))
              (else (f64.mul (local.get $q)
                (f64.load (i32.add (global.get $rowMax) (i32.shl (local.get $row) (i32.const 3)))))))))))
    (local.set $mm (f64.max (f64.neg (local.get $worst)) (local.get $shortOption)))
    (local.set $im (f64.mul (global.get $imMultiplier) (local.get $mm)))
    (if (local.get $longOnly)
      (then
        (local.set $mm (f64.min (local.get $mm) (local.get $premium)))
        (local.set $im (f64.min (f64.mul (global.get $imMultiplier) (local.get $mm)) (local.get $premium)))))
    (f64.store (i32.add (global.get $segmentMm) (i32.shl (local.get $p) (i32.const 3))) (local.get $mm))
    (f64.store (i32.add (global.get $segmentIm) (i32.shl (local.get $p) (i32.const 3))) (local.get $im)))

  ;; Recomputes account a: segments whose rank is set in the byte mask (every segment when mask is 0), then
  ;; its totals: scan components in rank order, then loans.
  (func $account (param $a i32) (param $mask i32)
    (local $start i32) (local $end i32) (local $p i32) (local $e i32) (local $rank i32)
    (local $mm f64) (local $im f64) (local $q f64) (local $value f64) (local $row i32)
    (local.set $start (i32.load (i32.add (global.get $slotStart) (i32.shl (local.get $a) (i32.const 2)))))
    (local.set $end (i32.add (local.get $start)
      (i32.load (i32.add (global.get $slotCount) (i32.shl (local.get $a) (i32.const 2))))))
    (local.set $p (local.get $start))
    (block $segmentsDone
      (loop $segments
        (br_if $segmentsDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $rank (i32.load (i32.add (global.get $rowRank) (i32.shl
          (i32.load (i32.add (global.get $slotRow) (i32.shl (local.get $p) (i32.const 2))))
          (i32.const 2)))))
        (br_if $segmentsDone (i32.eq (local.get $rank) (i32.const -1)))
        (local.set $e (i32.add (local.get $p) (i32.const 1)))
        (block $endFound
          (loop $extend
            (br_if $endFound (i32.ge_u (local.get $e) (local.get $end)))
            (br_if $endFound (i32.ne (local.get $rank)
              (i32.load (i32.add (global.get $rowRank) (i32.shl
                (i32.load (i32.add (global.get $slotRow) (i32.shl (local.get $e) (i32.const 2))))
                (i32.const 2))))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $extend)))
        (if (i32.or (i32.eqz (local.get $mask))
              (i32.load8_u (i32.add (local.get $mask) (local.get $rank))))
          (then
            (if (i32.eq (local.get $e) (i32.add (local.get $p) (i32.const 1)))
              (then (call $single (local.get $p)))
              (else (call $segment (local.get $p) (local.get $e))))))
        (local.set $mm (f64.add (local.get $mm)
          (f64.load (i32.add (global.get $segmentMm) (i32.shl (local.get $p) (i32.const 3))))))
        (local.set $im (f64.add (local.get $im)
          (f64.load (i32.add (global.get $segmentIm) (i32.shl (local.get $p) (i32.const 3))))))
        (local.set $p (local.get $e))
        (br $segments)))
    (local.set $p (local.get $start))
    (block $loansDone
      (loop $loans
        (br_if $loansDone (i32.ge_u (local.get $p) (local.get $end)))
        ;; Only asset slots can be loans (an instrument row's loan value is 0: skipping it changes no bit).
        (local.set $row (i32.load (i32.add (global.get $slotRow) (i32.shl (local.get $p) (i32.const 2)))))
        (if (i32.ge_u (local.get $row) (global.get $assetRows))
          (then
            ;; Borrowed cash: an unrealised loss is no loan, an unrealised profit repays one (docs/methodology.md).
            (local.set $q (f64.max
              (f64.load (i32.add (global.get $slotEntry) (i32.shl (local.get $p) (i32.const 3))))
              (f64.load (i32.add (global.get $slotQuantity) (i32.shl (local.get $p) (i32.const 3))))))
            (if (f64.lt (local.get $q) (f64.const 0))
              (then
                (local.set $value
                  (f64.mul (f64.neg (local.get $q))
                    (f64.load (i32.add (global.get $rowLoan) (i32.shl (local.get $row) (i32.const 3))))))
                (local.set $mm (f64.add (local.get $mm) (f64.mul (local.get $value) (global.get $loanMmRate))))
                (local.set $im
                  (f64.add (local.get $im) (f64.mul (local.get $value) (global.get $loanImRate))))))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br $loans)))
    (f64.store (i32.add (global.get $accountMm) (i32.shl (local.get $a) (i32.const 3))) (local.get $mm))
    (f64.store (i32.add (global.get $accountIm) (i32.shl (local.get $a) (i32.const 3)))
      (f64.max (local.get $im) (local.get $mm))))

  ;; Recomputes every segment and the totals of accounts from..to (exclusive).
  (func (export "accounts") (param $from i32) (param $to i32)
    (call $readHeader)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $from) (local.get $to)))
        (call $account (local.get $from) (i32.const 0))
        (local.set $from (i32.add (local.get $from) (i32.const 1)))
        (br $each))))

  ;; Recomputes the count accounts listed (u32) at address list, segments of ranks set in the mask only.
  (func (export "update") (param $list i32) (param $count i32) (param $mask i32)
    (local $i i32)
    (call $readHeader)
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (call $account
          (i32.load (i32.add (local.get $list) (i32.shl (local.get $i) (i32.const 2))))
          (local.get $mask))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $each))))

  ;; Sum of count float64 values from address: the streaming read of the bandwidth floor.
  (func (export "stream") (param $address i32) (param $count i32) (result f64)
    (local $end i32) (local $full i32) (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $sum f64)
    (local.set $end (i32.add (local.get $address) (i32.shl (local.get $count) (i32.const 3))))
    (local.set $full (i32.add (local.get $address)
      (i32.and (i32.shl (local.get $count) (i32.const 3)) (i32.const -64))))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $address) (local.get $full)))
        (local.set $s0 (f64x2.add (local.get $s0) (v128.load offset=0 (local.get $address))))
        (local.set $s1 (f64x2.add (local.get $s1) (v128.load offset=16 (local.get $address))))
        (local.set $s2 (f64x2.add (local.get $s2) (v128.load offset=32 (local.get $address))))
        (local.set $s3 (f64x2.add (local.get $s3) (v128.load offset=48 (local.get $address))))
        (local.set $address (i32.add (local.get $address) (i32.const 64)))
        (br $each)))
    (local.set $s0 (f64x2.add (f64x2.add (local.get $s0) (local.get $s1)) (f64x2.add (local.get $s2) (local.get $s3))))
    (local.set $sum (f64.add (f64x2.extract_lane 0 (local.get $s0)) (f64x2.extract_lane 1 (local.get $s0))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $address) (local.get $end)))
        (local.set $sum (f64.add (local.get $sum) (f64.load (local.get $address))))
        (local.set $address (i32.add (local.get $address) (i32.const 8)))
        (br $tail)))
    (local.get $sum)))
