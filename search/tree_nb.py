"""Numba kernels of the MCTS tree: preallocated node and edge pools, PUCT selection with virtual
loss, expansion and backup. No Python object per node.

Storage. Nodes (positions reached) and edges (moves out of an expanded node) live in flat arrays:

==============  =====================================================================
node arrays     ``parent``, ``visits``, ``value`` (sum of values from the view of the
                player who moved *into* the node), ``vloss`` (pending virtual losses),
                ``first_edge``, ``num_edges``, ``state`` (UNEXPANDED, EXPANDED, TERMINAL,
                PENDING: picked for evaluation in the current batch, UNSETTLED_END and
                PENDING_END: see below), ``to_move``
edge arrays     ``move`` (point, 0 = pass), ``prior``, ``child`` (node index, -1 until the
                edge is first taken: nodes exist only for positions actually visited)
``counts``      [nodes used, edges used, node limit hit]
==============  =====================================================================

Game ends. Two passes end the game, but the referee (GNU Go's ``final_score``, a human in Sabaki)
takes dead stones off before counting, which Tromp-Taylor counting on the board as it stands does
not. So an end position is scored exactly (TERMINAL) only when it is settled: every empty point
belongs to one colour. Otherwise (dead stones in the other side's area leave neutral points) it is
an UNSETTLED_END, valued like any leaf (value network and rollouts, which play the position
out) at every visit and never expanded; PENDING_END while such a visit is being evaluated.

Perspective: a node's ``value / visits`` is the expected result for the player who chose the
move leading to it, so a parent picks the child with the largest Q, and backup negates the value
at each level. Values are in [-1, 1]; win rates are ``(Q + 1) / 2``.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from gogame import board_nb as nb
from gogame.board_nb import LEGAL
from gogame.playout_nb import capture_aware_playout_nb
from gogame.scoring_nb import add_ownership_nb, area_score_nb, region_owners_nb, result_for_nb, rules_margin_nb
from nets.rollout_nb import policy_playout_nb

UNEXPANDED = 0
EXPANDED = 1
TERMINAL = 2
PENDING = 3
UNSETTLED_END = 4
PENDING_END = 5
MAX_DEPTH = 4096


@njit(cache=True, nogil=True)
def new_node_nb(parent, visits, value, vloss, first_edge, num_edges, state, to_move, counts, parent_index, color):
    """Allocate a node (or -1 when the pool is full, recorded in ``counts[2]``)."""
    index = counts[0]
    if index >= parent.shape[0]:
        counts[2] = 1
        return -1
    counts[0] = index + 1
    parent[index] = parent_index
    visits[index] = 0
    value[index] = 0.0
    vloss[index] = 0
    first_edge[index] = -1
    num_edges[index] = 0
    state[index] = UNEXPANDED
    to_move[index] = color
    return index


@njit(cache=True, nogil=True)
def select_batch_nb(parent, visits, value, vloss, first_edge, num_edges, state, to_move,
                    move, prior, child, counts, root, root_board, root_passes, batch_size,
                    c_puct, fpu_reduction, white_bonus, territory, out_boards, out_nodes, out_to_move,
                    exact_ends, forced_k, root_plan):
    """Descend ``batch_size`` times from ``root`` by PUCT with virtual loss. Leaves to evaluate
    go to ``out_*`` (their boards played out from ``root_board``) and are marked PENDING; a
    terminal leaf (two passes) is scored by the game's rules (``white_bonus``, ``territory``: see
    :func:`gogame.scoring_nb.rules_margin_nb`) and backed up at once. Stops early when a descent meets
    a PENDING leaf or the node pool is full. With ``exact_ends`` every game end is scored as the
    stones stand, settled or not. At the root only: ``forced_k`` > 0 forces KataGo's playouts, a
    child with fewer than ``sqrt(forced_k * prior * root visits)`` is taken first (self-play
    exploration; the policy target prunes them again, :mod:`selfplay.targets`); ``root_plan[i]``
    >= 0 makes descent ``i`` take the root's edge of that offset (a Gumbel root's sequential
    halving), -1 leaves it to PUCT. Returns (leaves written, simulations finished)."""
    n_out = 0
    finished = 0
    path = np.empty(MAX_DEPTH, np.int64)
    for descent in range(batch_size):
        board = out_boards[n_out]
        board[:] = root_board
        node = root
        passes = root_passes
        depth = 0
        path[0] = node
        blocked = False
        while state[node] == EXPANDED and depth < MAX_DEPTH - 1:
            parent_visits = visits[node] + vloss[node]
            sqrt_total = math.sqrt(max(parent_visits, 1))
            # first-play urgency: an unvisited child is worth the chooser's Q here, reduced, but
            # never below a certain loss: else, once the most probable move is found lost (a pass
            # that ends the game lost, say), every untried move ranks below it and is starved
            chooser_q = -value[node] / visits[node] if visits[node] > 0 else 0.0
            fpu = max(chooser_q - fpu_reduction, -1.0)
            best_score = -1e30
            best_edge = -1
            planned = depth == 0 and descent < root_plan.shape[0] and root_plan[descent] >= 0
            if planned:
                best_edge = first_edge[node] + root_plan[descent]
            for e in range(first_edge[node], first_edge[node] + num_edges[node] if not planned else 0):
                c = child[e]
                n = 0
                q = fpu
                if c >= 0:
                    n = visits[c] + vloss[c]
                    if n > 0:
                        q = (value[c] - vloss[c]) / n  # each virtual loss counts as a lost visit
                score = q + c_puct * prior[e] * sqrt_total / (1 + n)
                if c >= 0 and proven_loss_nb(state, visits, value, c):
                    score = -1e29  # a proven loss (an exactly scored end): taken only when nothing else is left
                elif depth == 0 and forced_k > 0 and n < math.sqrt(forced_k * prior[e] * parent_visits):
                    score = 1e20 + prior[e]  # a forced playout: the most probable starved child first
                if score > best_score:
                    best_score = score
                    best_edge = e
            c = child[best_edge]
            if c < 0:
                c = new_node_nb(parent, visits, value, vloss, first_edge, num_edges, state, to_move, counts,
                                node, 3 - to_move[node])
                if c < 0:
                    blocked = True
                    break
                child[best_edge] = c
            point = move[best_edge]
            if point == 0:
                nb.pass_nb(board)
                passes += 1
            else:
                nb.play_nb(board, point, to_move[node])
                passes = 0
            node = c
            depth += 1
            path[depth] = node
            if passes >= 2 and state[node] == UNEXPANDED:
                state[node] = TERMINAL if exact_ends or settled_nb(board) else UNSETTLED_END
        if blocked or state[node] == PENDING or state[node] == PENDING_END:
            break
        for i in range(depth + 1):
            vloss[path[i]] += 1
        if state[node] == TERMINAL:
            margin = rules_margin_nb(board, area_score_nb(board), white_bonus, territory)
            backup_nb(parent, visits, value, vloss, node, result_for_nb(margin, to_move[node]))
            finished += 1
            continue
        state[node] = PENDING_END if state[node] == UNSETTLED_END else PENDING
        out_nodes[n_out] = node
        out_to_move[n_out] = to_move[node]
        n_out += 1
    return n_out, finished


@njit(cache=True, nogil=True)
def proven_loss_nb(state, visits, value, node):
    """True when ``node`` is a game end scored exactly as a loss for the player who moved into it."""
    return state[node] == TERMINAL and visits[node] > 0 and value[node] <= -visits[node]


@njit(cache=True, nogil=True)
def settled_nb(board):
    """True when every empty point of ``board`` is surrounded by one colour only (no neutral
    point: Tromp-Taylor counting and counting after dead-stone removal agree)."""
    npts = board[nb.H_NP]
    emp = nb.HEADER + nb.F_EMPTY * npts
    owner = np.empty(npts, np.int64)
    region_owners_nb(board, owner)
    for i in range(board[nb.H_NEMPTY]):
        if owner[board[emp + i]] == nb.EMPTY:
            return False
    return True


@njit(cache=True, nogil=True)
def backup_nb(parent, visits, value, vloss, leaf, leaf_value):
    """Add one visit with ``leaf_value`` (from the view of the side to move at ``leaf``) to the
    path up to the root, negating at each level, and remove one virtual loss from each node."""
    node = leaf
    v = -leaf_value  # the leaf's value is stored from the view of the player who moved into it
    while node >= 0:
        visits[node] += 1
        value[node] += v
        if vloss[node] > 0:
            vloss[node] -= 1
        v = -v
        node = parent[node]


@njit(cache=True, nogil=True)
def expand_nb(first_edge, num_edges, state, move, prior, child, counts, node, board, color, priors, allow_suicide,
              allowed, forbidden):
    """Create the edges of ``node``: every empty point legal for ``color`` (simple ko) that is
    not its own true eye, when ``allowed`` is not empty is in it, and when ``forbidden`` (bool per
    padded point) is not empty is not forbidden there; plus pass. Priors come from
    ``priors`` (policy-index order, pass last), renormalised over these moves. Returns False
    (node left unexpanded) when the edge pool is full."""
    size = board[nb.H_SIZE]
    w = size + 2
    start = counts[1]
    count = 0
    total = 0.0
    for r in range(size):
        for c in range(size):
            p = (r + 1) * w + c + 1
            if nb.legal_reason_nb(board, p, color, allow_suicide) != LEGAL or nb.is_eye_nb(board, p, color):
                continue
            if forbidden.shape[0] > 0 and forbidden[p]:
                continue
            if allowed.shape[0] > 0:
                found = False
                for a in range(allowed.shape[0]):
                    found = found or allowed[a] == p
                if not found:
                    continue
            if start + count >= move.shape[0] - 1:
                counts[2] = 1
                return False
            move[start + count] = p
            prior[start + count] = max(priors[r * size + c], 0.0)
            total += prior[start + count]
            child[start + count] = -1
            count += 1
    move[start + count] = 0
    prior[start + count] = max(priors[size * size], 0.0)
    total += prior[start + count]
    child[start + count] = -1
    count += 1
    for e in range(start, start + count):
        prior[e] = prior[e] / total if total > 0 else 1.0 / count
    counts[1] = start + count
    first_edge[node] = start
    num_edges[node] = count
    state[node] = EXPANDED
    return True


@njit(cache=True, nogil=True)
def expand_and_backup_nb(parent, visits, value, vloss, first_edge, num_edges, state, move, prior, child, counts,
                         nodes, boards, colors, priors, values, allow_suicide, forbidden):
    """Expand each evaluated leaf with its priors and back its value up (values: side to move's
    view at the leaf). ``forbidden`` [ply - 1, colour, point]: moves not to create at plies
    1..len(forbidden) below the root (see :class:`search.result.MoveFilter`)."""
    no_restriction = np.empty(0, np.int64)
    nothing_forbidden = np.empty(0, np.bool_)
    for i in range(nodes.shape[0]):
        node = nodes[i]
        ply = 1  # of the moves out of node
        if forbidden.shape[0] > 0:
            up = node
            while parent[up] >= 0 and ply <= forbidden.shape[0]:
                up = parent[up]
                ply += 1
        points = forbidden[ply - 1, colors[i]] if ply <= forbidden.shape[0] else nothing_forbidden
        if state[node] == PENDING_END:  # a game end: valued, never expanded
            state[node] = UNSETTLED_END
        elif not expand_nb(first_edge, num_edges, state, move, prior, child, counts, node, boards[i], colors[i],
                           priors[i], allow_suicide, no_restriction, points):
            state[node] = UNEXPANDED
        backup_nb(parent, visits, value, vloss, node, values[i])


@njit(cache=True, nogil=True)
def compact_nb(parent, visits, value, vloss, first_edge, num_edges, state, to_move, move, prior, child, counts,
               root, new_arrays_parent, new_visits, new_value, new_vloss, new_first_edge, new_num_edges, new_state,
               new_to_move, new_move, new_prior, new_child, new_counts):
    """Copy the subtree under ``root`` into the ``new_*`` pools (breadth first), dropping every
    other node: how tree reuse frees the memory of the branches not taken. Returns the new root (0)."""
    order = np.empty(counts[0], np.int64)
    mapping = np.full(counts[0], -1, np.int64)
    head = 0
    tail = 1
    order[0] = root
    mapping[root] = 0
    new_counts[0] = 1
    new_counts[1] = 0
    new_counts[2] = 0
    while head < tail:
        old = order[head]
        head += 1
        new = mapping[old]
        new_arrays_parent[new] = -1 if old == root else mapping[parent[old]]
        new_visits[new] = visits[old]
        new_value[new] = value[old]
        new_vloss[new] = 0
        new_state[new] = UNEXPANDED if state[old] == PENDING else (UNSETTLED_END if state[old] == PENDING_END
                                                                  else state[old])
        new_to_move[new] = to_move[old]
        new_num_edges[new] = num_edges[old]
        new_first_edge[new] = new_counts[1] if num_edges[old] > 0 else -1
        for j in range(num_edges[old]):
            e = first_edge[old] + j
            ne = new_counts[1] + j
            new_move[ne] = move[e]
            new_prior[ne] = prior[e]
            c = child[e]
            if c >= 0:
                mapping[c] = tail
                order[tail] = c
                tail += 1
                new_child[ne] = mapping[c]
            else:
                new_child[ne] = -1
        new_counts[1] += num_edges[old]
    new_counts[0] = tail
    return 0


@njit(cache=True, nogil=True)
def rollout_mix_nb(boards, colors, white_bonus, territory, rng_state, values, weight, ownership, policy_weights):
    """AlphaGo's leaf evaluation: ``(1 - weight) * value + weight * z`` with z the result of one
    playout from each leaf (side to move's view), scored by the game's rules (``white_bonus``,
    ``territory``: see :func:`gogame.scoring_nb.rules_margin_nb`): drawn from the fast rollout
    policy with ``policy_weights``, or capture-aware random when that is empty. Final owners are added to
    ``ownership`` (+1 Black). ``boards`` are played out in place."""
    owner = np.empty(ownership.shape[0], np.int64)
    for i in range(boards.shape[0]):
        board = boards[i]
        size = board[nb.H_SIZE]
        if policy_weights.shape[0] > 0:
            score = policy_playout_nb(board, colors[i], policy_weights, rng_state, 3 * size * size)
        else:
            score = capture_aware_playout_nb(board, colors[i], rng_state, 3 * size * size)
        z = result_for_nb(rules_margin_nb(board, score, white_bonus, territory), colors[i])
        values[i] = (1.0 - weight) * values[i] + weight * z
        add_ownership_nb(board, owner, ownership)
