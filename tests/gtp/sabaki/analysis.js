// A copy of Sabaki's analysis line parsing (src/modules/analysis.js): blocks split on "info",
// key/value pairs before "pv", the PV as the trailing run of vertices.
function parseAnalysisLine(line) {
  return line
    .split(/\s*info\s+/)
    .slice(1)
    .map(block => {
      let [pairs, pv] = block.split(/\s+pv\s+/)
      let tokens = pairs.trim().split(/\s+/)
      let info = {}
      for (let i = 0; i + 1 < tokens.length; i += 2) info[tokens[i]] = tokens[i + 1]
      info.pv = (pv || '').trim().split(/\s+/).filter(x => /^(pass|[A-Za-z]\d+)$/.test(x))
      return info
    })
}

module.exports = {parseAnalysisLine}
