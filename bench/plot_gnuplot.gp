# plot_gnuplot.gp - the four panels of SPEC 4 with gnuplot, from day files
# SPDX-License-Identifier: MIT
#
# The peer that bench/plot.sh measures against `resmon plot`: what an
# operator would write to plot the raw 1-second samples of resmon day
# files, one line per series.
#
# usage: gnuplot -e "term='png'; files='A.csv B.csv'; nif=4; \
#                    out='x.png'; title='host 2026-11-27'" bench/plot_gnuplot.gp
#   term   png (libgd) or pngcairo
#   files  day files, in time order (one axis for all of them)
#   nif    interfaces in the files (columns 6,7 = rx,tx of the first)
# Times are read as written; the bench's files are in UTC, so the
# offset suffix ("+00:00") that the time format leaves unread is zero.

if (!exists("term")) term = 'png'
if (!exists("title")) title = ''
if (!exists("W")) W = 1600
if (!exists("H")) H = 1000
if (term eq 'pngcairo') {
	set terminal pngcairo size W,H font "DejaVu Sans,9"
} else {
	set terminal png size W,H font "DejaVu Sans,9"
}
set output out
set datafile separator ','
set key autotitle columnhead
set xdata time
set timefmt '%Y-%m-%dT%H:%M:%S'
n = words(files)
set xrange [word(files, 1)[strlen(word(files, 1)) - 13:strlen(word(files, 1)) - 4].'T00:00:00':]
set format x (n > 1 ? "%m-%d %H:%M" : "%H:%M")
set grid
set key outside right top
set lmargin 12
set rmargin 18
set multiplot layout 4,1 title title

f1 = word(files, 1)
set ylabel 'CPU %'
set yrange [0:100]
plot for [f in files] f using 1:2 with lines lc 1 title (f eq f1 ? 'cpu' : '')

set ylabel 'memory GiB'
set yrange [0:*]
plot for [f in files] f using 1:($4/1048576) with lines lc 2 title (f eq f1 ? 'free' : ''), \
     for [f in files] f using 1:($5/1048576) with lines lc 3 title (f eq f1 ? 'available' : '')

set ylabel 'in Mbit/s'
plot for [f in files] for [i=0:nif-1] f using 1:(column(6+2*i)/1e6) with lines lc i+1 \
	title (f eq f1 ? sprintf('eth%d', i) : '')

set ylabel 'out Mbit/s'
plot for [f in files] for [i=0:nif-1] f using 1:(column(7+2*i)/1e6) with lines lc i+1 \
	title (f eq f1 ? sprintf('eth%d', i) : '')
unset multiplot
